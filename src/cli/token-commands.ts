import type { CliOperations } from "../http/local-cli-routes.ts";

/** `token create SLUG [--label TEXT]`: prints a new per-business admin token, once (only its sha256 is stored). */
export async function createTokenCommand(ops: CliOperations, slug: string, label: string | undefined, out: (s: string) => void, via = ""): Promise<void> {
  const r = await ops.createToken(slug, label);
  out(r.token);
  process.stderr.write(
    `admin token ${r.id} for ${r.slug}${label ? ` (${label})` : ""}${via}: shown this once, stored hashed; use it as "Authorization: Bearer …" or sign in at /admin/login\n`,
  );
}
