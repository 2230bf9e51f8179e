// A profile applied by another process (the CLI) routes at once in a running server: the directory
// reloads on `business.updated` from the event stream, not on a guess.
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyBusinessProfile } from "../../src/business/apply-business-profile.ts";
import { ZProfile } from "../../src/config/profile-schema.ts";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { waitFor } from "../helpers/wait-for.ts";

let t: TestLeadline;
let other: InstanceType<typeof PrismaClient>;
beforeAll(async () => {
  t = await startTestLeadline({ directoryTtlMs: 3_600_000 }); // no timer refresh during the test
  other = new PrismaClient({ adapter: new PrismaPg({ connectionString: t.database.url }) });
});
afterAll(async () => {
  await other.$disconnect();
  await t.close();
});

it("a business applied by another process is routed without a restart, and an update replaces the old profile", async () => {
  await applyBusinessProfile(other, ZProfile.parse(acmeProfile({ slug: "late-plumbing", name: "Late Plumbing", phoneNumbers: ["+15555550777"] })));
  const b = await waitFor(() => t.ctx.directory.byNumber("+15555550777"), "the new number routed");
  expect(b.slug).toBe("late-plumbing");
  await applyBusinessProfile(other, ZProfile.parse(acmeProfile({ slug: "late-plumbing", name: "Late Plumbing & Heating", phoneNumbers: ["+15555550777"] })));
  await waitFor(async () => (await t.ctx.directory.bySlug("late-plumbing"))?.profile.name === "Late Plumbing & Heating", "the updated profile");
});
