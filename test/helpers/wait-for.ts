/** Polls until `check` returns a truthy value (the queue runs asynchronously); fails after `ms`. */
export async function waitFor<T>(check: () => Promise<T> | T, what = "condition", ms = 10_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < until) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what} (last value: ${JSON.stringify(last)})`);
}

/** Gives the queue a moment, for asserting that something did NOT happen. */
export async function settle(ms = 400): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
