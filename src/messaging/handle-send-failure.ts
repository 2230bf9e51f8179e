// What a failed provider call means for the row: an opt-out (21610), a final refusal (other 4xx),
// or trouble worth another try (429, 5xx, timeout) until the job's last attempt.
import type { Ctx } from "../context.ts";
import type { DeliverOutcome } from "./deliver-message.ts";
import { ProviderError } from "./providers/sms-provider.ts";
import { recordOptOut } from "./record-opt-out.ts";
import { setMessageStatus } from "./set-message-status.ts";

export async function handleSendFailure(
  ctx: Ctx,
  msg: { id: string; businessId: string; contactId: string },
  e: unknown,
  lastAttempt: boolean,
): Promise<DeliverOutcome> {
  const err = e instanceof ProviderError ? e : undefined;
  const error = e as Error;
  const at = ctx.clock.now();
  const fail = async (errorCode: string) => {
    await setMessageStatus(ctx.sql, { messageId: msg.id, to: "failed", from: ["sending"], errorCode, errorMessage: error.message.slice(0, 500), at });
    ctx.metrics.sends.inc({ status: "failed" });
    return { kind: "done", status: "failed" } as const;
  };
  if (err?.code === "21610") {
    // opted out first, so nothing queued meanwhile slips through
    await recordOptOut(ctx, { businessId: msg.businessId, contactId: msg.contactId, reason: "carrier-21610" });
    return fail("21610");
  }
  const code = err?.code ?? (err?.httpStatus ? String(err.httpStatus) : undefined);
  if (err && !err.retryable) return fail(code ?? "rejected");
  // 429, 5xx, timeout, or our own bug: put it back for the next attempt.
  if (lastAttempt) return fail(code ?? "retries-exhausted");
  await setMessageStatus(ctx.sql, {
    messageId: msg.id,
    to: "queued",
    from: ["sending"],
    errorCode: code ?? "network",
    errorMessage: error.message.slice(0, 500),
    at,
    emit: false,
  });
  ctx.metrics.sends.inc({ status: "retried" });
  return { kind: "retry", error };
}
