import { describe, expect, it } from "vitest";
import { JOBS, QUEUES } from "../../src/jobs/job-defs.ts";
import { LANES } from "../../src/lib/lane.ts";
import { laneOfPurpose } from "../../src/messaging/lane-of-purpose.ts";

describe("laneOfPurpose", () => {
  it.each([
    ["textback", "urgent"],
    ["speed-to-lead", "urgent"],
    ["help", "urgent"],
    ["opt-out-confirmation", "urgent"],
    ["reply", "conversation"],
    ["sequence", "conversation"], // a sequence step outside a campaign (a reminder, a follow-up)
    ["reminder", "conversation"],
    ["campaign", "bulk"], // a campaign's steps, below conversations
    [null, "conversation"],
    [undefined, "conversation"],
  ] as const)("%s → %s", (purpose, lane) => {
    expect(laneOfPurpose(purpose)).toBe(lane);
  });
});

describe("every job has a queue in every lane", () => {
  it.each(Object.values(JOBS).map((j) => [j.name, j] as const))("%s", (_name, job) => {
    for (const lane of LANES) expect(Object.keys(QUEUES)).toContain(job.queues[lane]);
  });

  it("campaign deliveries have the bulk queue, with fewer workers than the conversation lane's", () => {
    expect(JOBS["deliver-message"].queues.bulk).toBe("bulk");
    expect(QUEUES.bulk.lane).toBe("bulk");
    expect(QUEUES.bulk.concurrency).toBeLessThan(QUEUES.outbound.concurrency);
  });
});
