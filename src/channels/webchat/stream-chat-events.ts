// Server-sent events for one chat session: the history first (after Last-Event-ID on a
// reconnect), then every new message as the worker publishes it. What arrived or went by SMS is
// shown only once the session proved it owns the phone number (chatChannels), in both paths.
// While idle a stream holds a socket and a hub subscription, never a database connection.
import { openEventStream } from "../../lib/open-event-stream.ts";
import type { Request, Response } from "express";
import type { Ctx } from "../../context.ts";
import { chatChannels, chatEventOf, HIDDEN_OUTBOUND, type ChatEvent, type ChatEventFacts } from "./chat-hub.ts";

export interface StreamedSession {
  id: string;
  conversationId: string;
  phoneVerifiedAt: Date | null;
}

export async function streamChatEvents(ctx: Ctx, req: Request, res: Response, session: StreamedSession): Promise<void> {
  const { conversationId } = session;
  openEventStream(res);
  const sent = new Set<string>();
  const send = (e: ChatEvent) => {
    if (sent.has(e.id) || res.writableEnded || res.destroyed) return;
    sent.add(e.id);
    res.write(`id: ${e.id}\nevent: message\ndata: ${JSON.stringify(e)}\n\n`);
  };

  let verified = session.phoneVerifiedAt !== null;
  /** An SMS on a stream not (yet) verified: the proof may have just happened; one short read tells. */
  async function mayShow(channel: string): Promise<boolean> {
    if (chatChannels(verified).includes(channel)) return true;
    if (verified || !chatChannels(true).includes(channel)) return false;
    const s = await ctx.prisma.chatSession.findUnique({ where: { id: session.id }, select: { phoneVerifiedAt: true, conversationId: true } });
    verified = Boolean(s?.phoneVerifiedAt) && s?.conversationId === conversationId;
    return verified;
  }
  // live events are handled one after another, so an SMS that needs the check does not overtake
  let chain = Promise.resolve();
  const deliver = (e: ChatEvent, facts: ChatEventFacts) => {
    chain = chain
      .then(async () => {
        if (await mayShow(facts.channel)) send(e);
      })
      .catch((err: unknown) => ctx.log.warn({ sessionId: session.id, err: (err as Error).message }, "chat stream: event dropped"));
  };

  // Subscribe before reading history, so nothing published in between is missed.
  let live = false;
  const early: [ChatEvent, ChatEventFacts][] = [];
  const unsubscribe = ctx.chat.subscribe(conversationId, (e, f) => (live ? deliver(e, f) : early.push([e, f])));
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
  res.on("close", () => {
    clearInterval(heartbeat);
    unsubscribe();
  });

  const lastId = req.header("last-event-id");
  const after = lastId ? await ctx.prisma.message.findFirst({ where: { id: lastId, conversationId }, select: { createdAt: true } }) : null;
  const history = await ctx.prisma.message.findMany({
    where: {
      conversationId,
      channel: { in: chatChannels(verified) },
      // outbound rows still queued are not shown until delivered (they arrive live)
      OR: [{ direction: "inbound" }, { status: { notIn: HIDDEN_OUTBOUND } }],
      ...(after ? { createdAt: { gt: after.createdAt } } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
  });
  for (const m of history) send(chatEventOf(m));
  live = true;
  for (const [e, f] of early) deliver(e, f);
}
