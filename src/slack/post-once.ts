// One Slack post per key, across retries and crashes. The key is claimed (OnceMark, value empty)
// before the post and gets the post's ts after it; the post carries the key in its metadata. A
// retry that finds the claim still empty — the process died, or Slack took the post but its answer
// was lost — first looks for a post with that key in the thread (or the channel) and adopts it,
// so nothing is posted twice. A post Slack certainly did not take gives its claim back.
import type { Ctx } from "../context.ts";
import { claimOnceMark, dropOnceMark, readOnceMark, writeOnceMark } from "./once-marks.ts";
import { SlackOutcomeUnknownError, type SlackApi, type SlackPost } from "./slack-api.ts";

export interface PostOnceInput {
  key: string;
  businessId: string;
  channel: string;
  threadTs?: string | undefined;
  post: SlackPost;
  /**
   * several processes may race for the key (sweepers): an empty claim younger than this is taken to
   * be another process at work (default 0: only one writer, the leased mirror)
   */
  claimHoldMs?: number;
}

/** the post's ts, and whether this call made it; undefined: another process holds the claim */
export async function postOnce(ctx: Pick<Ctx, "prisma" | "clock">, slack: SlackApi, p: PostOnceInput): Promise<{ ts: string; posted: boolean } | undefined> {
  const now = ctx.clock.now();
  const mark = await readOnceMark(ctx.prisma, p.key);
  if (mark?.value) return { ts: mark.value, posted: false };
  if (mark) {
    if (p.claimHoldMs && now.getTime() - mark.at.getTime() < p.claimHoldMs) return undefined;
    // a minute of slack for clocks that disagree between us and Slack
    const found = await slack.findPost(p.channel, p.key, { threadTs: p.threadTs, oldest: new Date(mark.at.getTime() - 60_000) });
    if (found) {
      await writeOnceMark(ctx.prisma, { key: p.key, businessId: p.businessId, value: found, at: now });
      return { ts: found, posted: false };
    }
  } else if (!(await claimOnceMark(ctx.prisma, { key: p.key, businessId: p.businessId, at: now }))) {
    return undefined; // claimed a moment ago by a racer
  }
  let ts: string;
  try {
    ts = await slack.post(p.channel, p.post, p.threadTs, p.key);
  } catch (e) {
    // only a post that may have landed keeps its claim (the retry looks for it first)
    if (!(e instanceof SlackOutcomeUnknownError)) await dropOnceMark(ctx.prisma, p.key);
    throw e;
  }
  await writeOnceMark(ctx.prisma, { key: p.key, businessId: p.businessId, value: ts, at: now });
  return { ts, posted: true };
}
