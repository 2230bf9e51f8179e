// A model call bounded by the turn's deadline: past it the call is abandoned (its request aborted)
// and the turn fails over to the template reply; whatever the model says later is dropped.
import { LlmError, type LlmProvider, type LlmRequest, type LlmResult } from "./llm-provider.ts";

export function deadlinePassed(): LlmError {
  return new LlmError("no reply within the turn's deadline", "timeout");
}

export function completeBefore(llm: LlmProvider, req: LlmRequest, deadline: AbortSignal): Promise<LlmResult> {
  if (deadline.aborted) return Promise.reject(deadlinePassed());
  return new Promise<LlmResult>((resolve, reject) => {
    const onAbort = () => reject(deadlinePassed());
    deadline.addEventListener("abort", onAbort, { once: true });
    llm
      .complete({ ...req, signal: deadline })
      .then(resolve, reject)
      .finally(() => deadline.removeEventListener("abort", onAbort));
  });
}
