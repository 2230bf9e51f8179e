// The console provider (no Twilio credentials) logs texts; logs must never carry a one-time code,
// and in production-like settings no words of a text at all.
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createConsoleProvider, maskDigits } from "../../src/messaging/providers/console-provider.ts";

function capture() {
  const lines: string[] = [];
  const log = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return { log, lines };
}

const INVITE = "Acme Plumbing: enter code 482913 in the chat. Reply STOP to opt out.";

describe("console provider", () => {
  it("outside production: logs the text with the code masked", async () => {
    const { log, lines } = capture();
    const sent: string[] = [];
    const p = createConsoleProvider(log, { showBodies: true, sink: (m) => sent.push(m.body) });
    await p.send({ to: "+12125550123", from: "+15555550100", body: INVITE });
    const out = lines.join("");
    expect(out).toContain("[console sms] +15555550100 -> +12125550123: Acme Plumbing: enter code ****** in the chat.");
    expect(out).not.toContain("482913");
    expect(sent).toEqual([INVITE]); // the sink (tests) still gets the real text
  });

  it("production-like: logs who and how long, never the words", async () => {
    const { log, lines } = capture();
    await createConsoleProvider(log, { showBodies: false }).send({ to: "+12125550123", from: "+15555550100", body: INVITE });
    const out = lines.join("");
    expect(out).toContain(`[console sms] +15555550100 -> +12125550123 (${INVITE.length} characters, not shown)`);
    expect(out).not.toContain("482913");
    expect(out).not.toContain("enter code");
  });

  it.each([
    ["code 123456", "code ******"],
    ["call 555-0100", "call 555-****"],
    ["$349 at 10:30 on Nov 3", "$349 at 10:30 on Nov 3"],
    ["no digits", "no digits"],
  ])("maskDigits(%j) = %j", (body, masked) => {
    expect(maskDigits(body)).toBe(masked);
  });
});
