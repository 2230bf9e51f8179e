import { describe, expect, it } from "vitest";
import { canAdvanceStatus, OUTBOUND_STATUSES, statusesBefore } from "../../src/messaging/status-order.ts";

describe("canAdvanceStatus", () => {
  it.each([
    // the normal forward path
    ["queued", "sending", true],
    ["scheduled", "sending", true],
    ["sending", "accepted", true],
    ["accepted", "sent", true],
    ["sent", "delivered", true],
    ["sent", "undelivered", true],
    ["sent", "failed", true],
    ["sent", "read", true],
    ["delivered", "read", true],
    ["queued", "delivered", true], // a skipped callback does not block the final status
    // late or out-of-order callbacks never move a message backwards
    ["delivered", "sent", false],
    ["delivered", "failed", false],
    ["delivered", "undelivered", false],
    ["failed", "delivered", false],
    ["read", "delivered", false],
    ["sent", "sending", false],
    ["accepted", "queued", false],
    // the same status is not an advance
    ["queued", "queued", false],
    ["sent", "sent", false],
    ["delivered", "delivered", false],
    // unknown (crash mid-send) may be resolved by a provider callback, but not to accepted
    ["unknown", "delivered", true],
    ["unknown", "sent", true],
    ["unknown", "failed", true],
    ["unknown", "accepted", false],
    ["unknown", "sending", false],
    // blocked never went out, so it never moves
    ["blocked", "sent", false],
    ["blocked", "delivered", false],
    ["blocked", "read", false],
    // statuses we do not know are never allowed, either way
    ["bogus", "delivered", false],
    ["sent", "bogus", false],
    ["", "sent", false],
    ["Delivered", "read", false],
  ] as const)("%s -> %s is %s", (from, to, expected) => {
    expect(canAdvanceStatus(from, to)).toBe(expected);
  });
});

describe("statusesBefore", () => {
  it.each([["queued"], ["sending"], ["accepted"], ["unknown"], ["sent"], ["scheduled"]])('statusesBefore("delivered") contains %s', (s) => {
    expect(statusesBefore("delivered")).toContain(s);
  });

  it.each([["delivered"], ["failed"], ["undelivered"], ["canceled"], ["blocked"], ["read"]])('statusesBefore("delivered") does not contain %s', (s) => {
    expect(statusesBefore("delivered")).not.toContain(s);
  });

  it.each([
    ["queued", []],
    ["sending", ["queued", "scheduled"]],
    ["sent", ["queued", "scheduled", "sending", "accepted", "unknown"]],
    ["bogus", []],
  ] as const)("statusesBefore(%j) is exactly %j", (to, expected) => {
    expect([...statusesBefore(to)].sort()).toEqual([...expected].sort());
  });

  it.each(OUTBOUND_STATUSES.map((s) => [s]))("statusesBefore(%j) agrees with canAdvanceStatus", (to) => {
    const before = statusesBefore(to);
    for (const from of OUTBOUND_STATUSES) expect(before.includes(from)).toBe(canAdvanceStatus(from, to));
  });
});

describe("failures are final", () => {
  it.each([
    ["failed", "read"],
    ["undelivered", "read"],
    ["canceled", "sent"],
    ["failed", "delivered"],
  ])("%s → %s is refused", (from, to) => {
    expect(canAdvanceStatus(from, to)).toBe(false);
  });
  it("statusesBefore('read') holds no failure status", () => {
    expect(statusesBefore("read")).not.toEqual(expect.arrayContaining(["failed"]));
    expect(statusesBefore("read")).toEqual(expect.arrayContaining(["delivered", "sent"]));
  });
});
