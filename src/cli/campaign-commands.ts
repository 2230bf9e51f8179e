// `campaign launch|status|pause|resume`: printing only; the work is in src/campaigns (run here or by
// the running server that holds the embedded database).
import type { CliOperations } from "../http/local-cli-routes.ts";
import { ZLaunchInput } from "../http/local-cli-routes.ts";
import { AppError } from "../lib/errors.ts";

export async function launchCampaignCommand(
  ops: CliOperations,
  raw: { slug: string; sequence: string; segment?: string | undefined; dryRun?: boolean | undefined },
  out: (s: string) => void,
  via: string,
): Promise<void> {
  const parsed = ZLaunchInput.safeParse({ ...raw, dryRun: Boolean(raw.dryRun) });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new AppError("bad_request", `${i.path.join(".")}: ${i.message}`);
  }
  const r = await ops.launchCampaign(parsed.data);
  for (const line of r.lines) out(line);
  if (r.campaignId) {
    const skipped = Object.entries(r.skipped);
    const total = skipped.reduce((a, [, n]) => a + n, 0);
    out(
      `campaign ${r.campaignId} launched${via}: ${r.enrolled} enrolled in ${parsed.data.sequence}, ${total} skipped${total ? ` (${skipped.map(([k, n]) => `${k} ${n}`).join(", ")})` : ""}`,
    );
    out(`follow it with: npm run cli -- campaign status ${parsed.data.slug}`);
  }
}

export async function campaignStatusCommand(ops: CliOperations, slug: string, out: (s: string) => void): Promise<void> {
  for (const line of await ops.campaignStatus(slug)) out(line);
}

export async function switchCampaignCommand(ops: CliOperations, slug: string, id: string, running: boolean, out: (s: string) => void): Promise<void> {
  out(await ops.setCampaignRunning(slug, id, running));
}
