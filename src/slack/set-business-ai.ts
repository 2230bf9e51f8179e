// `/leadline pause|resume`: the business's AI switch (profile ai.enabled), applied like a profile
// so every process reloads it (`business.updated`). Off means template mode: fixed acknowledgements,
// no model. Applying the YAML file again sets it to what the file says.
import type { Ctx } from "../context.ts";
import { applyBusinessProfile } from "../business/apply-business-profile.ts";
import { ZProfile } from "../config/profile-schema.ts";

/** true when it changed */
export async function setBusinessAi(ctx: Ctx, businessId: string, enabled: boolean): Promise<boolean> {
  const row = await ctx.prisma.business.findUnique({ where: { id: businessId }, select: { profile: true } });
  if (!row) return false;
  const profile = ZProfile.parse(row.profile);
  if (profile.ai.enabled === enabled) return false;
  await applyBusinessProfile(ctx.prisma, { ...profile, ai: { ...profile.ai, enabled } }, ctx.clock);
  ctx.directory.invalidate();
  return true;
}
