// Live chat fan-out across processes: the worker publishes a conversation's new messages on Redis,
// each web process relays them to the browsers it holds open (server-sent events).
import { Redis } from "ioredis";

export interface ChatEvent {
  id: string;
  author: string;
  text: string;
  at: string;
  clientId?: string | undefined;
}

export interface ChatHub {
  publish(conversationId: string, e: ChatEvent): Promise<void>;
  /** returns the unsubscribe function */
  subscribe(conversationId: string, fn: (e: ChatEvent) => void): () => void;
  close(): Promise<void>;
}

export function createChatHub(publisher: Redis, redisUrl: string, prefix: string): ChatHub {
  const channel = (id: string) => `${prefix}:chat:${id}`;
  const listeners = new Map<string, Set<(e: ChatEvent) => void>>();
  let sub: Redis | undefined;

  function subscriber(): Redis {
    if (sub) return sub;
    sub = new Redis(redisUrl, { maxRetriesPerRequest: null });
    sub.on("error", () => {});
    void sub.psubscribe(`${prefix}:chat:*`);
    sub.on("pmessage", (_p, ch, raw) => {
      const set = listeners.get(ch.slice(`${prefix}:chat:`.length));
      if (!set) return;
      let e: ChatEvent;
      try {
        e = JSON.parse(raw) as ChatEvent;
      } catch {
        return;
      }
      for (const fn of set) fn(e);
    });
    return sub;
  }

  return {
    async publish(conversationId, e) {
      await publisher.publish(channel(conversationId), JSON.stringify(e));
    },
    subscribe(conversationId, fn) {
      subscriber();
      let set = listeners.get(conversationId);
      if (!set) listeners.set(conversationId, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(conversationId);
      };
    },
    async close() {
      listeners.clear();
      sub?.disconnect();
    },
  };
}

/** Who wrote it, as the widget shows it. */
export function chatEventOf(m: { id: string; author: string; body: string; createdAt: Date; dedupeKey?: string | null; providerId?: string | null }): ChatEvent {
  // inbound chat messages carry "chat:<sessionId>:<clientId>" as their provider id
  const clientId = m.providerId?.startsWith("chat:") ? m.providerId.split(":")[2] : undefined;
  return { id: m.id, author: m.author, text: m.body, at: m.createdAt.toISOString(), ...(clientId ? { clientId } : {}) };
}
