// Small shared pieces: the error alert, a link through the router, times in the business's zone.
import type { ComponentChildren } from "preact";
import { onLinkClick } from "./router.ts";

export function Alert({ message }: { message: string | undefined }) {
  return message ? (
    <p role="alert" class="alert">
      {message}
    </p>
  ) : null;
}

/** what just happened (saved, moved, launched): announced politely, not as an error */
export function Notice({ message }: { message: string | undefined }) {
  return message ? (
    <p role="status" class="notice">
      {message}
    </p>
  ) : null;
}

export function Link({ href, children, class: cls, current }: { href: string; children: ComponentChildren; class?: string; current?: boolean }) {
  return (
    <a href={href} class={cls} onClick={onLinkClick} aria-current={current ? "page" : undefined}>
      {children}
    </a>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })
    : d.toLocaleString([], { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

// plain symbols (not emoji): they render in every system font, headless browsers included
export const CHANNEL_ICON: Record<string, string> = { sms: "✉", mms: "▣", voice: "☎", webchat: "◍", form: "☰", email: "@" };

export function channelLabel(c: string): string {
  return `${CHANNEL_ICON[c] ?? "•"} ${c}`;
}
