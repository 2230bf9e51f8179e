// "Text me instead" under attack: the code check and the join must be one step. The attack: a
// visitor asks for an invitation to a number they own (code C), then for one to the victim's
// number, and posts C while the second request is still in flight. The two requests are
// interleaved at the session's lock here (the test holds it), so the order is forced, not hoped for.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const ORIGIN = "https://acmeplumbing.example";
const WORDING = "I agree to receive text messages from Acme Plumbing about my request. Msg & data rates may apply. Reply STOP to opt out.";
let t: TestLeadline;
let lockHolder: pg.Client;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile({ webchat: { allowedOrigins: [ORIGIN] } }));
  lockHolder = new pg.Client({ connectionString: t.database.url });
  await lockHolder.connect();
});
afterAll(async () => {
  await lockHolder.end();
  await t.close();
});
afterEach(() => twilio.reset());

let lastIp = 0;
interface Session {
  sessionId: string;
  token: string;
  ip: string;
}
async function newSession(): Promise<Session> {
  const ip = `198.51.100.${++lastIp}`;
  const res = await fetch(`${t.url}/api/chat/acme-plumbing/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": ip },
    body: "{}",
  });
  expect(res.status).toBe(201);
  return { ...((await res.json()) as Session), ip };
}
const post = (s: Session, path: string, body: object) =>
  fetch(`${t.url}/api/chat/sessions/${s.sessionId}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${s.token}`, origin: ORIGIN, "x-forwarded-for": s.ip },
    body: JSON.stringify(body),
  });
const textMe = (s: Session, phone: string) => post(s, "sms", { name: "Mallory", phone, consent: true, consentText: WORDING });
const enterCode = (s: Session, code: string) => post(s, "sms/verify", { code });
const sessionRow = (s: Session) => t.ctx.prisma.chatSession.findUniqueOrThrow({ where: { id: s.sessionId } });
async function codeSentTo(phone: string): Promise<string> {
  const sms = await waitFor(() => twilio.sent.filter((m) => m.To === phone).at(-1), `the code texted to ${phone}`);
  return /\b(\d{6})\b/.exec(sms.Body)![1]!;
}

/** Holds the session's advisory lock in a transaction of the test's own until `release` is called. */
async function holdSessionLock(sessionId: string): Promise<() => Promise<void>> {
  await lockHolder.query("BEGIN");
  await lockHolder.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`chat-session:${sessionId}`]);
  return async () => void (await lockHolder.query("COMMIT"));
}
/** Advisory-lock requests now waiting in this database (one per blocked request). */
async function lockWaiters(): Promise<number> {
  const { rows } = await lockHolder.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()",
  );
  return Number(rows[0]!.n);
}

describe("the chat hand-off proof is checked and joined in one step", () => {
  it("a code for the visitor's own number, posted while an invitation to a victim's number is in flight, joins nothing", async () => {
    const own = "+12125550301";
    const victim = "+12125550302";
    const victimHistory = "gate code 7741, key under the mat";
    expect((await t.post("/webhooks/twilio/sms", smsParams({ from: victim, to: ACME_NUMBER, body: victimHistory }))).status).toBe(200);
    await waitFor(() => t.ctx.prisma.message.findFirst({ where: { fromNumber: victim, body: victimHistory } }), "the victim's text recorded");

    const s = await newSession();
    expect((await textMe(s, own)).status).toBe(200);
    const ownCode = await codeSentTo(own);

    // the invitation to the victim reaches the lock first; the verify of the own code queues behind it
    const release = await holdSessionLock(s.sessionId);
    let inviting: Promise<Response> | undefined;
    let verifying: Promise<Response> | undefined;
    try {
      inviting = textMe(s, victim);
      await waitFor(async () => (await lockWaiters()) >= 1, "the invitation waiting at the session's lock");
      verifying = enterCode(s, ownCode);
      // the old code claimed the try and compared before it took the lock; it then waited at the lock
      // to join whatever number was pending by then. Either way the verify is in flight now.
      await settle(300);
    } finally {
      await release();
    }
    const [invited, verified] = await Promise.all([inviting!, verifying!]);
    expect(invited.status).toBe(200);
    expect(verified.status).toBe(400); // the pending number's code is the victim's now: the own code is wrong

    const row = await sessionRow(s);
    expect(row.phoneVerifiedAt).toBeNull();
    const victimContact = await t.ctx.prisma.contact.findFirstOrThrow({ where: { phone: victim } });
    expect(row.contactId).not.toBe(victimContact.id);
    expect(await t.ctx.prisma.message.count({ where: { conversationId: row.conversationId, body: victimHistory } })).toBe(0);
    // and the victim's own code, entered by the visitor who cannot know it, is what would be needed
    expect(row.pendingPhone).toBe(victim);
  });

  it("the same attack with the verify 0–15 ms after the second invitation, unforced: never the victim's number", async () => {
    for (const delay of [0, 3, 6, 9, 12, 15]) {
      const own = `+1212555031${delay % 10}`;
      const victim = `+1212555032${delay % 10}`;
      const s = await newSession();
      expect((await textMe(s, own)).status).toBe(200);
      const ownCode = await codeSentTo(own);
      const inviting = textMe(s, victim);
      await new Promise((r) => setTimeout(r, delay));
      const verified = await enterCode(s, ownCode);
      await inviting;
      const row = await sessionRow(s);
      if (verified.status === 200) {
        // the verify won the lock: it joined the visitor's own number, which is fine
        expect((await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: row.contactId } })).phone).toBe(own);
      } else {
        expect(verified.status).toBe(400);
        expect(row.phoneVerifiedAt).toBeNull();
      }
      expect(await t.ctx.prisma.contact.findFirst({ where: { phone: victim, id: row.contactId } })).toBeNull();
    }
  });

  it("a code texted back by the number joins only the chat whose pending number and code it matches, even with a new invitation racing it", async () => {
    const first = "+12125550303";
    const second = "+12125550304";
    const s = await newSession();
    expect((await textMe(s, first)).status).toBe(200);
    const firstCode = await codeSentTo(first);
    // the first number texts its code back while the visitor switches the chat to another number
    const release = await holdSessionLock(s.sessionId);
    let inviting: Promise<Response> | undefined;
    try {
      inviting = textMe(s, second);
      await waitFor(async () => (await lockWaiters()) >= 1, "the second invitation waiting at the lock");
      expect((await t.post("/webhooks/twilio/sms", smsParams({ from: first, to: ACME_NUMBER, body: firstCode }))).status).toBe(200);
      await settle(500);
    } finally {
      await release();
    }
    expect((await inviting!).status).toBe(200);
    await settle(500);
    const row = await sessionRow(s);
    // whichever went first, the chat is never joined to a number other than the one whose code was proven
    if (row.phoneVerifiedAt) {
      const joined = await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: row.contactId } });
      expect(joined.phone).toBe(first);
    } else {
      expect(row.pendingPhone).toBe(second);
      expect(await t.ctx.prisma.contact.findFirst({ where: { phone: second, id: row.contactId } })).toBeNull();
    }
  });
});
