// Live chat fan-out: each web process subscribes to the domain-event stream (LISTEN/NOTIFY, so
// every process hears every commit) and relays a conversation's new or newly delivered messages
// to the browsers it holds open. Nothing polls the database per connection.
import type { Prisma } from "../../db/open-database.ts";
import type { EventDispatcher } from "../../events/create-event-dispatcher.ts";
import { newId } from "../../lib/new-id.ts";

export interface ChatEvent {
  id: string;
  author: string;
  text: string;
  at: string;
  clientId?: string | undefined;
}

/** what a stream needs to decide whether its visitor may see a message (not sent to the browser) */
export interface ChatEventFacts {
  channel: string;
}

export interface ChatHub {
  /** returns the unsubscribe function */
  subscribe(conversationId: string, fn: (e: ChatEvent, facts: ChatEventFacts) => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** channels a chat visitor may see in their stream */
export const SHOWN_CHANNELS = ["webchat", "sms", "mms"];
/** …of which these only once the visitor proved they own the conversation's phone number */
export const PHONE_CHANNELS = ["sms", "mms"];

/** What a session's stream shows: web chat always; what arrived or went by SMS only after the phone proof. */
export function chatChannels(phoneVerified: boolean): string[] {
  return phoneVerified ? SHOWN_CHANNELS : SHOWN_CHANNELS.filter((c) => !PHONE_CHANNELS.includes(c));
}
/** outbound rows not (yet) delivered are not shown: they arrive live once they are */
export const HIDDEN_OUTBOUND = ["queued", "scheduled", "sending", "blocked", "failed"];

export function createChatHub(d: { prisma: Prisma; events: EventDispatcher }): ChatHub {
  const listeners = new Map<string, Set<(e: ChatEvent, facts: ChatEventFacts) => void>>();
  let stop: (() => Promise<void>) | undefined;

  async function relay(conversationId: string, messageId: string): Promise<void> {
    const set = listeners.get(conversationId);
    if (!set?.size) return;
    const m = await d.prisma.message.findUnique({ where: { id: messageId } });
    if (!m || !SHOWN_CHANNELS.includes(m.channel)) return;
    if (m.direction === "outbound" && HIDDEN_OUTBOUND.includes(m.status)) return;
    const e = chatEventOf(m);
    for (const fn of set) fn(e, { channel: m.channel });
  }

  return {
    subscribe(conversationId, fn) {
      let set = listeners.get(conversationId);
      if (!set) listeners.set(conversationId, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(conversationId);
      };
    },
    async start() {
      stop = await d.events.subscribe({
        name: `chat-hub-${newId()}`,
        durable: false, // a reconnecting browser replays from the database (Last-Event-ID)
        types: ["message.added", "message.status"],
        handle: (e) => relay(e.subject, (e.payload as { messageId: string }).messageId),
      });
    },
    async close() {
      listeners.clear();
      await stop?.();
    },
  };
}

/** Who wrote it, as the widget shows it. */
export function chatEventOf(m: { id: string; author: string; body: string; createdAt: Date; providerId?: string | null }): ChatEvent {
  // inbound chat messages carry "chat:<sessionId>:<clientId>" as their provider id
  const clientId = m.providerId?.startsWith("chat:") ? m.providerId.split(":")[2] : undefined;
  return { id: m.id, author: m.author, text: m.body, at: m.createdAt.toISOString(), ...(clientId ? { clientId } : {}) };
}
