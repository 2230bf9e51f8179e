// Server-sent events for one conversation: the history first (after Last-Event-ID on a
// reconnect), then every new message as the worker publishes it.
import type { Request, Response } from "express";
import type { Ctx } from "../../context.ts";
import { chatEventOf, HIDDEN_OUTBOUND, SHOWN_CHANNELS, type ChatEvent } from "./chat-hub.ts";

export async function streamChatEvents(ctx: Ctx, req: Request, res: Response, conversationId: string): Promise<void> {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 2000\n\n");
  const sent = new Set<string>();
  const send = (e: ChatEvent) => {
    if (sent.has(e.id)) return;
    sent.add(e.id);
    res.write(`id: ${e.id}\nevent: message\ndata: ${JSON.stringify(e)}\n\n`);
  };
  // Subscribe before reading history, so nothing published in between is missed.
  let live = false;
  const early: ChatEvent[] = [];
  const unsubscribe = ctx.chat.subscribe(conversationId, (e) => (live ? send(e) : early.push(e)));
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
      channel: { in: SHOWN_CHANNELS },
      // outbound rows still queued are not shown until delivered (they arrive live)
      OR: [{ direction: "inbound" }, { status: { notIn: HIDDEN_OUTBOUND } }],
      ...(after ? { createdAt: { gt: after.createdAt } } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
  });
  for (const m of history) send(chatEventOf(m));
  live = true;
  for (const e of early) send(e);
}
