// Live inbox fan-out for the console: one ephemeral subscriber of the domain-event stream per
// process (started with the first open console tab), relaying "this conversation moved" to the
// browsers of that business. Nothing polls the database per connection; a browser that reconnects
// reloads its page of the inbox.
import type { EventDispatcher } from "../events/create-event-dispatcher.ts";
import type { DomainEvent } from "../events/domain-event.ts";
import { newId } from "../lib/new-id.ts";

export interface InboxChange {
  conversationId: string;
  type: string;
}

export interface ConsoleHub {
  /** resolves once the process is listening; returns the unsubscribe function */
  subscribe(businessId: string, fn: (c: InboxChange) => void): Promise<() => void>;
  close(): Promise<void>;
}

const TYPES = ["message.added", "message.status", "conversation.assigned", "lead.updated"] as const;

export function createConsoleHub(events: EventDispatcher): ConsoleHub {
  const listeners = new Map<string, Set<(c: InboxChange) => void>>();
  let started: Promise<() => Promise<void>> | undefined;

  function relay(e: DomainEvent): Promise<void> {
    const set = listeners.get(e.businessId);
    if (!set?.size) return Promise.resolve();
    const payload = e.payload as { conversationId?: string | null };
    const conversationId = payload.conversationId ?? e.subject;
    if (!conversationId) return Promise.resolve();
    for (const fn of set) fn({ conversationId, type: e.type });
    return Promise.resolve();
  }

  return {
    async subscribe(businessId, fn) {
      let set = listeners.get(businessId);
      if (!set) listeners.set(businessId, (set = new Set()));
      set.add(fn);
      started ??= events.subscribe({ name: `console-hub-${newId()}`, durable: false, types: [...TYPES], handle: relay });
      await started;
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(businessId);
      };
    },
    async close() {
      listeners.clear();
      const stop = await started;
      started = undefined;
      await stop?.();
    },
  };
}
