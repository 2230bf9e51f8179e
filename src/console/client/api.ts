// The console's calls to its API: same-origin, the HttpOnly cookie rides along (the page never
// sees the token), every answer parsed with the schema the server built it from.
import type { z } from "zod";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<S extends z.ZodType>(schema: S, path: string, init?: RequestInit): Promise<z.infer<S>> {
  const res = await fetch(path, { credentials: "same-origin", ...init, headers: { accept: "application/json", ...init?.headers } });
  if (res.status === 401) {
    // the cookie expired or was revoked: back to the sign-in page
    window.location.assign("/console");
    throw new ApiError(401, "signed out");
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: unknown } | null)?.error;
    throw new ApiError(res.status, typeof error === "string" ? error : `the server answered ${res.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(500, `unexpected answer from ${path}`);
  return parsed.data;
}

export function getJson<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
  return call(schema, path);
}

export function postJson<S extends z.ZodType>(schema: S, path: string, body?: unknown): Promise<z.infer<S>> {
  return call(schema, path, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
    body: JSON.stringify(body ?? {}),
  });
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
