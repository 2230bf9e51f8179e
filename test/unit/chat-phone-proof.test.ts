import { describe, expect, it } from "vitest";
import { loadTemplates } from "../../src/agent/load-templates.ts";
import { renderTemplate } from "../../src/lib/render-template.ts";
import { createStreamCaps } from "../../src/channels/webchat/chat-guards.ts";
import { chatChannels } from "../../src/channels/webchat/chat-hub.ts";
import { hashProofCode, newProofCode, phoneTail, proofCodeMatches, readProofCode } from "../../src/channels/webchat/chat-phone-proof.ts";
import { normalizeGsm7 } from "../../src/messaging/normalize-gsm7.ts";

describe("chat phone proof", () => {
  it("codes are six digits, stored bound to the session and the number they were texted to, compared only in full", () => {
    for (let i = 0; i < 50; i++) expect(newProofCode()).toMatch(/^\d{6}$/);
    const hash = hashProofCode("s1", "+12125550100", "012345");
    expect(hash).not.toBe(hashProofCode("s2", "+12125550100", "012345"));
    expect(proofCodeMatches("s1", "+12125550100", "012345", hash)).toBe(true);
    expect(proofCodeMatches("s2", "+12125550100", "012345", hash)).toBe(false);
    expect(proofCodeMatches("s1", "+12125550101", "012345", hash)).toBe(false); // another number's code
    expect(proofCodeMatches("s1", "+12125550100", "012346", hash)).toBe(false);
    expect(proofCodeMatches("s1", "+12125550100", "12345", hash)).toBe(false);
    expect(proofCodeMatches("s1", "+12125550100", "012345", null)).toBe(false);
  });

  it.each([
    ["123456", "123456"],
    [" 123456 ", "123456"],
    ["123 456", "123456"],
    ["123-456.", "123456"],
    ["YES", undefined],
    ["Yes please, text me", undefined],
    ["YES 654321", undefined],
    ["my code is 123456", undefined],
    ["1234567", undefined],
    ["12345", undefined],
    ["call 123456 now", undefined],
  ])("reads %j as the code %j (the code must be the whole text)", (body, code) => {
    expect(readProofCode(body)).toBe(code);
  });

  it("shows a number by its last four digits", () => {
    expect(phoneTail("+12125550177")).toBe("…0177");
  });

  it("the invitation names only the business and the code, in one GSM-7 segment for a long business name", () => {
    const { chatPhoneInvitation } = loadTemplates();
    expect(chatPhoneInvitation).toContain("{{business}}");
    expect(chatPhoneInvitation).toContain("{{code}}");
    expect([...chatPhoneInvitation.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)].map((m) => m[1]).sort()).toEqual(["business", "code"]);
    const sms = normalizeGsm7(renderTemplate(chatPhoneInvitation, { business: "Acme Plumbing & Drain of Greater Springfield", code: "123456" }));
    expect(sms.body).toContain("123456");
    expect(sms.body).toMatch(/STOP/);
    expect(sms).toMatchObject({ encoding: "GSM-7", segments: 1 });
  });

  it("a stream shows SMS only once the phone is proven", () => {
    expect(chatChannels(false)).toEqual(["webchat"]);
    expect(chatChannels(true).sort()).toEqual(["mms", "sms", "webchat"]);
  });
});

describe("event stream caps", () => {
  it("caps per session, per IP and per process; a release frees the slot once", () => {
    const caps = createStreamCaps({ perSession: 2, perIp: 3, total: 4 });
    const a1 = caps.open("a", "ip1");
    const a2 = caps.open("a", "ip1");
    expect(a1 && a2).toBeTruthy();
    expect(caps.open("a", "ip2")).toBeUndefined(); // per session
    expect(caps.open("b", "ip1")).toBeTruthy();
    expect(caps.open("c", "ip1")).toBeUndefined(); // per IP
    expect(caps.open("c", "ip2")).toBeTruthy();
    expect(caps.openCount).toBe(4);
    expect(caps.open("d", "ip3")).toBeUndefined(); // per process
    a1!();
    a1!(); // twice: still one slot
    expect(caps.openCount).toBe(3);
    expect(caps.open("a", "ip3")).toBeTruthy();
    expect(caps.open("e", "ip3")).toBeUndefined();
  });
});
