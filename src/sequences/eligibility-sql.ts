// Every condition a step must still meet to go out, as SQL over the enrollment row `e`. The claim
// repeats all of them in one conditional update (so a late event subscriber, a retried job or a
// second worker can never send a step the rules would stop), and the same snippets name the reason
// when a claim fails.
import type { StopCondition } from "./sequence-schema.ts";

const INBOUND_CHANNELS = `('sms', 'mms', 'webchat')`;

export const STOP_SQL: Record<StopCondition, string> = {
  // a text, a chat, or a call someone picked up: they are talking to us
  replied: `NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."contactId" = e."contactId" AND m."direction" = 'inbound'
    AND m."channel" IN ${INBOUND_CHANNELS} AND m."createdAt" > e."startedAt")
    AND NOT EXISTS (SELECT 1 FROM "Call" k WHERE k."businessId" = e."businessId" AND k."createdAt" > e."startedAt"
      AND k."contactId" = e."contactId" AND k."status" = 'answered')`,
  booked: `NOT EXISTS (SELECT 1 FROM "Appointment" a WHERE a."contactId" = e."contactId" AND a."status" IN ('booked', 'completed')
    AND a."createdAt" > e."startedAt")`,
  "opted-out": `NOT EXISTS (SELECT 1 FROM "Contact" c WHERE c."id" = e."contactId" AND c."optedOutAt" IS NOT NULL)`,
  human: `NOT EXISTS (SELECT 1 FROM "Conversation" v WHERE v."contactId" = e."contactId" AND v."status" = 'open' AND v."handledBy" = 'human')`,
  "estimate-accepted": workEvent("estimate.accepted"),
  "estimate-declined": workEvent("estimate.declined"),
  "job-done": workEvent("job.completed"),
  "review-clicked": `NOT EXISTS (SELECT 1 FROM "ReviewLink" r WHERE r."enrollmentId" = e."id" AND r."clicks" > 0)`,
};

/** this subject's own answer (same externalId), or any such event for the contact since it started */
function workEvent(type: string): string {
  return `NOT EXISTS (SELECT 1 FROM "WorkEvent" w WHERE w."businessId" = e."businessId" AND w."type" = '${type}'
    AND (w."externalId" = e."subjectKey" OR (w."contactId" = e."contactId" AND w."receivedAt" > e."startedAt")))`;
}

const CAMPAIGN_RUNNING = `NOT EXISTS (SELECT 1 FROM "Campaign" k WHERE k."id" = e."campaignId" AND k."status" <> 'running')`;
const MARKETING_CONSENT = `EXISTS (SELECT 1 FROM "Consent" s WHERE s."contactId" = e."contactId" AND s."scope" = 'marketing' AND s."revokedAt" IS NULL)`;

export interface Rule {
  /** the reason recorded when this rule ends the enrollment (null: it only waits, e.g. a paused campaign) */
  reason: string | null;
  sql: string;
}

/** The rules for one sequence, in the order a failing claim reports them. */
export function eligibilityRules(seq: { stopWhen: readonly StopCondition[]; purpose: string }): Rule[] {
  const stops = new Set<StopCondition>(["opted-out", ...seq.stopWhen]);
  const rules: Rule[] = [...stops].map((s) => ({ reason: s, sql: STOP_SQL[s] }));
  if (seq.purpose === "marketing") rules.push({ reason: "no-consent", sql: MARKETING_CONSENT });
  rules.push({ reason: null, sql: CAMPAIGN_RUNNING });
  return rules;
}
