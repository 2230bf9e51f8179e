// The floor for `*.floor_ms` / `*.vs_floor` / `ingest.vs_floor`: the least a durable webhook can do,
// in its own process on the same machine (like bare-express.ts), so an app figure reads as a ratio
// to what this machine allows right now.
//   POST /webhooks/twilio/sms, /webhooks/twilio/voice — the ingest floor: X-Twilio-Signature checked
//     (twilio.validateRequest, same token and public URL as the app), one INSERT, empty TwiML
//   POST /webhooks/twilio/voice/dial-status — the text-back floor: signature, one INSERT, one POST to
//     the Messages API (form body To, From, Body, as the app sends), then TwiML
//   POST /webhooks/forms/:slug — the speed-to-lead floor: the X-Leadline-Token header, one INSERT,
//     one POST to the Messages API to the lead's phone, then 202
// Env: FLOOR_DATABASE_URL, FLOOR_PUBLIC_BASE_URL, FLOOR_TWILIO_TOKEN, FLOOR_TWILIO_SID,
// FLOOR_TWILIO_API_BASE_URL, FLOOR_FORM_TOKEN, FLOOR_FROM (the number forms are texted from).
// Prints `listening <port>`.
import { timingSafeEqual } from "node:crypto";
import express, { type Request, type Response } from "express";
import pg from "pg";
import twilio from "twilio";

const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`floor-server: ${name} is required`);
  return v;
};
const publicBaseUrl = need("FLOOR_PUBLIC_BASE_URL");
const token = need("FLOOR_TWILIO_TOKEN");
const sid = need("FLOOR_TWILIO_SID");
const formToken = Buffer.from(need("FLOOR_FORM_TOKEN"));
const formFrom = need("FLOOR_FROM");
const messagesUrl = `${need("FLOOR_TWILIO_API_BASE_URL").replace(/\/+$/, "")}/2010-04-01/Accounts/${sid}/Messages.json`;
const auth = "Basic " + Buffer.from(`${sid}:${token}`).toString("base64");
const TEXT = "Hi, this is Bench Plumbing. Sorry we missed your call! How can we help?";
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

// the app's pool size and connect timeout (src/db/open-database.ts); idle connections are let go after
// a second, so the floor holds none of the server's connections while the app is being measured
const pool = new pg.Pool({ connectionString: need("FLOOR_DATABASE_URL"), max: 20, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 1_000 });
// a table of its own, unique by the provider's id like the app's InboundEvent
await pool.query(`CREATE TABLE IF NOT EXISTS bench_floor_event (
  id bigserial PRIMARY KEY, kind text NOT NULL, external_id text NOT NULL UNIQUE, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
const insert = (kind: string, externalId: string, payload: unknown) =>
  pool.query(`INSERT INTO bench_floor_event (kind, external_id, payload) VALUES ($1, $2, $3) ON CONFLICT (external_id) DO NOTHING`, [
    kind,
    externalId,
    JSON.stringify(payload),
  ]);

async function text(to: string, from: string): Promise<void> {
  const res = await fetch(messagesUrl, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ To: to, From: from, Body: TEXT }),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`Messages API answered ${res.status}`);
}

const signed = (req: Request, res: Response): boolean => {
  const signature = req.header("x-twilio-signature");
  if (signature && twilio.validateRequest(token, signature, publicBaseUrl + req.originalUrl, (req.body ?? {}) as Record<string, string>)) return true;
  res.status(403).type("text/plain").send("invalid Twilio signature");
  return false;
};
const form = express.urlencoded({ extended: false, limit: "64kb" });
const fail = (res: Response, e: unknown) => {
  console.error(`floor error: ${(e as Error).message}`);
  res
    .status(500)
    .type("text/plain")
    .send((e as Error).message);
};

const app = express();
app.post(["/webhooks/twilio/sms", "/webhooks/twilio/voice"], form, async (req, res) => {
  if (!signed(req, res)) return;
  const b = req.body as Record<string, string>;
  try {
    await insert(req.path.endsWith("sms") ? "sms" : "voice", req.path.endsWith("sms") ? `sms-${b.MessageSid}` : `voice-${b.CallSid}`, b);
    res.type("text/xml").send(TWIML);
  } catch (e) {
    fail(res, e);
  }
});
app.post("/webhooks/twilio/voice/dial-status", form, async (req, res) => {
  if (!signed(req, res)) return;
  const b = req.body as Record<string, string>;
  try {
    await insert("dial-status", `dial-${b.CallSid}`, b);
    await text(b.From ?? "", b.To ?? "");
    res.type("text/xml").send(TWIML);
  } catch (e) {
    fail(res, e);
  }
});
app.post("/webhooks/forms/:slug", express.raw({ type: () => true, limit: "64kb" }), async (req, res) => {
  const given = Buffer.from(req.header("x-leadline-token") ?? "");
  if (given.length !== formToken.length || !timingSafeEqual(given, formToken)) {
    res.status(403).json({ error: "bad token" });
    return;
  }
  try {
    const lead = JSON.parse((req.body as Buffer).toString()) as { phone?: string };
    const r = await pool.query<{ id: string }>(
      `INSERT INTO bench_floor_event (kind, external_id, payload) VALUES ('lead', md5($1), $1::jsonb) ON CONFLICT (external_id) DO NOTHING RETURNING id`,
      [JSON.stringify(lead)],
    );
    await text(lead.phone ?? "", formFrom);
    res.status(202).json({ leadId: r.rows[0]?.id ?? null });
  } catch (e) {
    fail(res, e);
  }
});
const server = app.listen(0, "127.0.0.1", () => {
  const a = server.address();
  console.log(`listening ${typeof a === "object" && a ? a.port : 0}`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => void pool.end().then(() => process.exit(0)));
});
