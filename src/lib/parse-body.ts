import type { z } from "zod";
import { AppError } from "./errors.ts";

/** zod at the edge: a body that does not fit is a 400 naming the first bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join(".") || "body";
  throw new AppError("bad_request", `${field}: ${issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message}`);
}
