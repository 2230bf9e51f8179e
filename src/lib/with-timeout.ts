/** Rejects when `p` takes longer than `ms` (the work itself is not cancelled). */
export function withTimeout<T>(p: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
