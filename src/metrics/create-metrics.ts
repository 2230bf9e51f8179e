import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  registry: Registry;
  webhooks: Counter<"route" | "outcome">;
  sends: Counter<"status">;
  textBackLatency: Histogram;
  jobs: Counter<"queue" | "outcome">;
  /** model calls by final outcome: ok, or the LlmError kind (timeout, rate-limited, server, bad-request, malformed, network) */
  llmCalls: Counter<"outcome">;
  /** a model call's wall time, retries included */
  llmLatency: Histogram;
  /** tokens the model reported, by kind (prompt, completion) */
  llmTokens: Counter<"kind">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhooks: new Counter({
      name: "leadline_webhooks_total",
      help: "Inbound webhooks by route and outcome (stored, duplicate, rejected, invalid, unrouted, error)",
      labelNames: ["route", "outcome"],
      registers: [registry],
    }),
    sends: new Counter({
      name: "leadline_outbound_messages_total",
      help: "Outbound message outcomes (accepted, sent, failed, blocked, retried, unknown)",
      labelNames: ["status"],
      registers: [registry],
    }),
    textBackLatency: new Histogram({
      name: "leadline_textback_latency_seconds",
      help: "Missed call (webhook received) to its text-back accepted by the provider",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    jobs: new Counter({
      name: "leadline_jobs_total",
      help: "Jobs processed by queue and outcome",
      labelNames: ["queue", "outcome"],
      registers: [registry],
    }),
    llmCalls: new Counter({
      name: "leadline_llm_calls_total",
      help: "Model calls by outcome (ok, timeout, rate-limited, server, bad-request, malformed, network)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    llmLatency: new Histogram({
      name: "leadline_llm_latency_seconds",
      help: "Model call wall time, retries and their waits included",
      buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers: [registry],
    }),
    llmTokens: new Counter({
      name: "leadline_llm_tokens_total",
      help: "Tokens reported by the model, by kind (prompt, completion)",
      labelNames: ["kind"],
      registers: [registry],
    }),
  };
}
