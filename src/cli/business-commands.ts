import { readFileSync } from "node:fs";
import type { CliOperations } from "../http/local-cli-routes.ts";

/** `business apply FILE.yaml`: prints the business id. `via` says where it ran (a running server). */
export async function applyBusinessCommand(ops: CliOperations, file: string, out: (s: string) => void, via = ""): Promise<void> {
  const r = await ops.applyBusiness(readFileSync(file, "utf8"));
  out(r.id);
  process.stderr.write(`${r.created ? "created" : "updated"} ${r.slug} (${r.numbers} number(s))${via}\n`);
}

/** `business list`: one line per business. */
export async function listBusinessesCommand(ops: CliOperations, out: (s: string) => void): Promise<void> {
  const rows = await ops.listBusinesses();
  if (rows.length === 0) out("no businesses yet: npm run cli -- business apply FILE.yaml");
  for (const b of rows) out(`${b.slug}\t${b.id}\t${b.name}\t${b.timezone}\t${b.numbers.join(",")}`);
}
