// What the send policy needs to know about a recipient, read inside the caller's transaction.
import type { TProfile } from "../config/profile-schema.ts";
import type { Prisma } from "../db/open-database.ts";
import type { Tx } from "../db/with-transaction.ts";
import type { PolicyFacts } from "./policy/evaluate-send-policy.ts";
import { resolveRecipientPlace } from "./policy/resolve-recipient-place.ts";
import { topicCapFor } from "./policy/topic-cap.ts";

const DAY_MS = 24 * 3600_000;
/** statuses that never reached the phone: they do not count against the daily cap */
const NOT_SENT = ["blocked", "failed", "canceled"];

/** A reply to an inbound that arrived within the profile's reply window needs no facts. */
export function replyIsFresh(kind: "reply" | "proactive", replyToAt: Date | undefined, now: Date, profile: TProfile): boolean {
  return kind === "reply" && replyToAt !== undefined && now.getTime() - replyToAt.getTime() <= profile.compliance.replyWindowMinutes * 60_000;
}

export interface FactsInput {
  businessId: string;
  contactId: string;
  channel: "sms" | "webchat";
  kind: "reply" | "proactive";
  replyToAt?: Date | undefined;
  scope?: "transactional" | "marketing" | undefined;
  /** what a marketing message is about (FL/OK/MD count per topic) */
  topic?: string | null | undefined;
  /** the recipient's phone (its area code is a zone hint) */
  to: string;
  at: Date;
  profile: TProfile;
  /** the message being re-checked at delivery (not counted against its own cap) */
  excludeMessageId?: string | undefined;
}

export async function gatherPolicyFacts(db: Tx | Prisma, f: FactsInput): Promise<PolicyFacts> {
  const contact = await db.contact.findFirstOrThrow({
    where: { id: f.contactId, businessId: f.businessId },
    select: { optedOutAt: true, zip: true, phone: true },
  });
  const marketing =
    f.scope === "marketing"
      ? await db.consent.findFirst({ where: { businessId: f.businessId, contactId: f.contactId, scope: "marketing", revokedAt: null }, select: { id: true } })
      : null;
  const since = new Date(f.at.getTime() - DAY_MS);
  const recipient = resolveRecipientPlace({ zip: contact.zip, phone: f.to || contact.phone, businessZone: f.profile.timezone });
  // scheduled ones count at their sendAt, sent ones when they went out
  const counted = (where: { kind?: "proactive"; consentScope?: "marketing"; topic?: string | null }) =>
    db.message.findMany({
      where: {
        businessId: f.businessId,
        contactId: f.contactId,
        direction: "outbound",
        status: { notIn: NOT_SENT },
        ...where,
        ...(f.excludeMessageId ? { id: { not: f.excludeMessageId } } : {}),
        OR: [{ sendAt: { gt: since } }, { sentAt: { gt: since } }, { sendAt: null, sentAt: null, createdAt: { gt: since } }],
      },
      select: { sendAt: true, sentAt: true, createdAt: true },
    });
  const others = await counted({ kind: "proactive" });
  const onTopic = topicCapFor(recipient.states, f.scope ?? "transactional") ? await counted({ consentScope: "marketing", topic: f.topic ?? null }) : [];
  const effective = (m: { sendAt: Date | null; sentAt: Date | null; createdAt: Date }) => m.sendAt ?? m.sentAt ?? m.createdAt;
  return {
    now: f.at,
    channel: f.channel,
    kind: f.kind,
    purpose: f.scope ?? "transactional",
    replyToAt: f.replyToAt,
    replyWindowMinutes: f.profile.compliance.replyWindowMinutes,
    optedOut: contact.optedOutAt !== null,
    marketingConsent: marketing !== null,
    recipient,
    quietHours: f.profile.compliance.quietHours,
    maxProactivePerDay: f.profile.compliance.maxProactivePerDay,
    proactiveTimes: others.map(effective),
    topicTimes: onTopic.map(effective),
  };
}
