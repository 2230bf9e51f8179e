// voice.first_text_ms: calls on the AI voice agent at once, each through a signed ConversationRelay
// socket; the streaming fake model completes its first sentence T ms after the request. Measured
// per call: final `prompt` frame → first `text` frame, minus T (what the app itself adds), and for
// each later sentence: the model writing its last piece → its `text` frame arriving.
import { connectRelay } from "../fakes/conversation-relay.ts";
import type { LoopbackOpenAi } from "../fakes/loopback-openai.ts";

export const VOICE_REPLY = "Sure, I can help with that drain. What's the ZIP code of the job? And how long has it been slow?";

export interface VoiceFigures {
  /** first text frame − prompt − T, per call */
  firstText: number[];
  /** later sentences: frame arrival − the model finishing that sentence */
  laterSentence: number[];
}

const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function measureVoiceFirstText(o: {
  appUrl: string;
  model: LoopbackOpenAi;
  token: string;
  publicBaseUrl: string;
  number: string;
  calls: number;
  firstSentenceMs: number;
  sentenceGapMs: number;
}): Promise<VoiceFigures> {
  o.model.setStreaming({ firstSentenceMs: o.firstSentenceMs, sentenceGapMs: o.sentenceGapMs });
  o.model.setAnswer(() => ({ content: VOICE_REPLY }));
  const out: VoiceFigures = { firstText: [], laterSentence: [] };
  const run = Math.random().toString(36).slice(2, 8);
  const clients = await Promise.all(
    Array.from({ length: o.calls }, async (_, i) => {
      const c = await connectRelay(o.appUrl, { token: o.token, publicBaseUrl: o.publicBaseUrl });
      c.setup({ from: `+1917555${String(3000 + i)}`, to: o.number });
      return c;
    }),
  );
  // setup binds each call to its contact and conversation: let that settle before the clock starts
  await sleep(1500);
  // one call first, unmeasured: the first voice turn of a process pays for loading code paths
  const warm = await connectRelay(o.appUrl, { token: o.token, publicBaseUrl: o.publicBaseUrl });
  warm.setup({ from: "+19175552999", to: o.number });
  await sleep(300);
  warm.prompt("Hello, is this the plumber?");
  await warm.reply(0, 20_000);
  await warm.close();
  await Promise.all(
    clients.map(async (c, i) => {
      const ref = `Ref #v${run}x${i}.`;
      const start = nowMs();
      c.prompt(`My kitchen drain is slow. ${ref}`);
      await c.reply(0, 20_000);
      const texts = c.frames.filter((f) => f.frame.type === "text" && String((f.frame as { token: string }).token).trim());
      const first = texts[0];
      if (!first) throw new Error(`call ${i}: no text frame`);
      out.firstText.push(performance.timeOrigin + first.at - start - o.firstSentenceMs);
      const call = o.model.calls.find((m) => m.body.messages.some((x) => x.role === "user" && typeof x.content === "string" && x.content.includes(ref)));
      const at = call?.sentencesAt ?? [];
      texts.slice(1).forEach((f, k) => {
        const done = at[k + 1];
        if (done !== undefined) out.laterSentence.push(performance.timeOrigin + f.at - done);
      });
    }),
  );
  await Promise.all(clients.map((c) => c.close()));
  o.model.setStreaming({ firstSentenceMs: 0, sentenceGapMs: 0 });
  return out;
}
