// P2002 on both adapters, but `meta` differs between them: branch on the code only (STACK.md).
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}
