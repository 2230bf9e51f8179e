// What one step says: its template filled with the contact's facts (and a tracked review link
// where it asks for a review), or written by the model from the step's instructions with the
// filled template as the fallback.
import { randomBytes } from "node:crypto";
import type { TProfile } from "../config/profile-schema.ts";
import type { Ctx } from "../context.ts";
import { renderTemplate } from "../lib/render-template.ts";
import type { Sequence } from "./sequence-schema.ts";
import { stepVariables, type StepFacts } from "./step-variables.ts";
import { writeStepWithAi } from "./write-step-with-ai.ts";

export interface StepToWrite {
  enrollment: {
    id: string;
    businessId: string;
    contactId: string;
    anchorAt: Date;
    context: unknown;
    contact: { name: string | null; lastJobDate: string | null };
  };
  conversationId: string;
  profile: TProfile;
  sequence: Sequence;
  step: Sequence["steps"][number];
}

export async function writeStep(ctx: Ctx, w: StepToWrite): Promise<{ body: string; author: "template" | "ai" }> {
  const { enrollment: e, conversationId, profile, step } = w;
  const facts: StepFacts = {
    profile,
    contactName: e.contact.name,
    anchorAt: e.anchorAt,
    context: e.context as StepFacts["context"],
    lastJobDate: e.contact.lastJobDate ? new Date(`${e.contact.lastJobDate}T00:00:00Z`) : null,
    reviewLink: step.template.includes("review_link") ? await reviewLinkFor(ctx, e, profile.reviewUrl!) : undefined,
  };
  const filled = renderTemplate(step.template, stepVariables(facts));
  const text = step.ai
    ? await writeStepWithAi(ctx, { profile, instructions: step.ai, fallback: filled, ...(await historyOf(ctx, conversationId)) })
    : { body: filled, author: "template" as const };
  return text;
}

/** one tracked link per enrollment: the reminder reuses the request's link */
async function reviewLinkFor(ctx: Ctx, e: { id: string; businessId: string; contactId: string }, url: string): Promise<string> {
  const link = await ctx.prisma.reviewLink.upsert({
    where: { enrollmentId: e.id },
    create: {
      businessId: e.businessId,
      contactId: e.contactId,
      enrollmentId: e.id,
      token: randomBytes(12).toString("base64url"),
      url,
      createdAt: ctx.clock.now(),
    },
    update: {},
  });
  return `${ctx.env.PUBLIC_BASE_URL}/r/${link.token}`;
}

async function historyOf(ctx: Ctx, conversationId: string): Promise<{ history: { direction: string; body: string }[]; firstAiMessage: boolean }> {
  const recent = await ctx.prisma.message.findMany({
    where: { conversationId, channel: { in: ["sms", "mms", "webchat"] } },
    orderBy: { createdAt: "desc" },
    take: 8,
    select: { direction: true, body: true },
  });
  const ai = await ctx.prisma.message.findFirst({ where: { conversationId, author: "ai" }, select: { id: true } });
  return { history: recent.reverse(), firstAiMessage: ai === null };
}
