// The outside check of #20, run the way a newcomer runs Leadline: `npm start` (embedded PGlite in a
// data directory of its own, the local Redis, one process doing web and worker), Twilio and the
// model faked on loopback ports. Two figures, each dial-status POST → the text at the fake:
//   busy50 — 50 callers at once, each call's dial-status (busy) 50 ms after its voice webhook;
//   loaded — 20 such text-backs while 40 texts are being answered by a model that takes 1.5 s.
// Prints one JSON line per figure. `npx tsx test/bench/npm-start-check.ts` (needs Redis; no Postgres).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLoopbackOpenAi } from "../fakes/loopback-openai.ts";
import { startLoopbackTwilio } from "../fakes/loopback-twilio.ts";
import { ACCOUNT_SID, smsParams } from "../fakes/twilio-webhooks.ts";
import { createArrivals, nowMs, phoneSeries } from "./arrivals.ts";
import { callRound, signedPoster } from "./busy-line.ts";
import { pct } from "./figures.ts";

const TOKEN = "npm-start-check-token";
const PUBLIC = "https://check.leadline.test";
const NUMBER = "+15555550100";
const MODEL_MS = 1500;
const root = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "leadline-check-"));
const prefix = `check-${process.pid}`;

const profile = `slug: check-plumbing
name: Check Plumbing
timezone: America/New_York
phoneNumbers: ["${NUMBER}"]
forwardTo: ["+15555550199"]
hours: { mon: ["00:00-23:59"], tue: ["00:00-23:59"], wed: ["00:00-23:59"], thu: ["00:00-23:59"], fri: ["00:00-23:59"], sat: ["00:00-23:59"], sun: ["00:00-23:59"] }
services: [{ key: drain-cleaning, name: Drain cleaning, durationMinutes: 90 }]
ai: { enabled: true, persona: "Sam", model: gpt-4o-mini, debounceSeconds: 0 }
messaging: { mps: 100 }
textBack: { windowMinutes: 30 }
`;

function run(args: string[], env: Record<string, string>, ready?: RegExp): Promise<{ stop(): Promise<void>; out(): string }> {
  // its own process group: a SIGTERM to npm alone never reached Leadline under `sh -c` and `tsx`, so
  // the check printed its figures and then waited on npm until killed from outside
  const proc = spawn("npm", args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  return new Promise((ok, fail) => {
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-proc.pid!, sig);
      } catch {
        // the group is gone already
      }
    };
    const stop = () =>
      new Promise<void>((done) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return done();
        const last = setTimeout(() => signal("SIGKILL"), 15_000);
        proc.once("exit", () => {
          clearTimeout(last);
          done();
        });
        signal("SIGTERM");
      });
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready?.test(out)) ok({ stop, out: () => out });
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => (ready ? fail(new Error(`npm ${args.join(" ")} exited (${code}): ${out.slice(-1500)}`)) : ok({ stop, out: () => out })));
  });
}

async function main() {
  const arrivals = createArrivals();
  const twilio = await startLoopbackTwilio((to) => arrivals.record(to));
  const model = await startLoopbackOpenAi();
  model.setAnswer(() => ({ content: "Thanks! We can help with that. What is your address?" }));
  const port = String(20000 + (process.pid % 20000));
  const env = {
    DATA_DIR: dataDir,
    QUEUE_PREFIX: prefix,
    PORT: port,
    PUBLIC_BASE_URL: PUBLIC,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_API_BASE_URL: twilio.url,
    OPENAI_API_KEY: "sk-check",
    OPENAI_BASE_URL: model.url,
    LOG_LEVEL: "warn",
  };
  const file = join(dataDir, "profile.yaml");
  writeFileSync(file, profile);
  await run(["run", "-s", "cli", "--", "business", "apply", file], env);
  const app = await run(["start", "-s"], { ...env, LOG_LEVEL: "info" }, /web listening/);
  const post = signedPoster([`http://127.0.0.1:${port}`], TOKEN, PUBLIC);
  const phones = phoneSeries("646");
  try {
    // warm-up: a few calls and texts, so the figures are not the first requests' compile time
    await callRound({ post, arrivals, number: NUMBER, phones: Array.from({ length: 5 }, phones), mode: { kind: "busy", gapMs: 50 } });

    const busy = await callRound({ post, arrivals, number: NUMBER, phones: Array.from({ length: 50 }, phones), mode: { kind: "busy", gapMs: 50 } });
    report("npm_start.busy_line_50_p99_ms", busy.latencies, { missing: busy.missing, errors: busy.errors, target: "< 1000" });

    model.setDelay(MODEL_MS);
    const texters = Array.from({ length: 40 }, phones);
    await Promise.all(
      texters.map((from) => post("/webhooks/twilio/sms", smsParams({ from, to: NUMBER, body: "Hi, my drain is slow. Can someone come out?" }))()),
    );
    const atModel = await until(() => model.inFlight() >= 40, 10_000);
    const loaded = await callRound({ post, arrivals, number: NUMBER, phones: Array.from({ length: 20 }, phones), mode: { kind: "busy", gapMs: 50 } });
    const turnsAtModel = model.inFlight();
    report("npm_start.textback_while_40_turns_p99_ms", loaded.latencies, {
      missing: loaded.missing,
      errors: loaded.errors,
      turns_at_model_before: atModel,
      turns_at_model_after: turnsAtModel,
      target: "< 1000",
    });
    const answered = await Promise.all(texters.map((to) => arrivals.waitFor(to, 20_000)));
    console.log(JSON.stringify({ figure: "npm_start.turns_answered", value: answered.filter((x) => x !== undefined).length, of: 40 }));
  } finally {
    if (process.env.CHECK_LOG) console.error(app.out().slice(0, 3000));
    await app.stop();
    await twilio.close();
    await model.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(figure: string, ms: number[], extra: Record<string, unknown>) {
  const r = (n: number) => Math.round(n * 10) / 10;
  console.log(JSON.stringify({ figure, value: r(pct(ms, 99)), unit: "ms", p50: r(pct(ms, 50)), samples: ms.length, ...extra }));
}

async function until(ok: () => boolean, ms: number): Promise<number> {
  const end = nowMs() + ms;
  while (!ok() && nowMs() < end) await new Promise((r) => setTimeout(r, 20));
  return ok() ? 1 : 0;
}

await main();
