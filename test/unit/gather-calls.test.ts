import { describe, expect, it } from "vitest";
import { gatherCalls } from "../../src/lib/gather-calls.ts";

/** a batch runner that records each batch and doubles numbers; it refuses a batch holding a negative one */
function recorder() {
  const batches: number[][] = [];
  const run = async (items: number[]) => {
    batches.push(items);
    if (items.some((n) => n < 0)) throw new Error(`refused ${items.join(",")}`);
    return items.map((n) => n * 2);
  };
  return { batches, run };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe("gatherCalls", () => {
  it.each([
    { name: "calls in one turn share one batch", turns: [[1, 2, 3]], max: 100, batches: [[1, 2, 3]] },
    { name: "calls in separate turns run apart", turns: [[1], [2], [3]], max: 100, batches: [[1], [2], [3]] },
    { name: "a turn larger than the cap runs in pieces", turns: [[1, 2, 3, 4, 5]], max: 2, batches: [[1, 2], [3, 4], [5]] },
  ])("$name", async ({ turns, max, batches }) => {
    const r = recorder();
    const call = gatherCalls(r.run, max);
    const answers: Promise<number>[] = [];
    for (const turn of turns) {
      answers.push(...turn.map(call));
      await nextTurn();
    }
    expect(await Promise.all(answers)).toEqual(turns.flat().map((n) => n * 2));
    expect(r.batches).toEqual(batches);
  });

  it("a refused batch runs again one call at a time: only the bad call fails", async () => {
    const r = recorder();
    const call = gatherCalls(r.run);
    const out = await Promise.allSettled([call(1), call(-1), call(3)]);
    expect(out.map((o) => (o.status === "fulfilled" ? o.value : (o.reason as Error).message))).toEqual([2, "refused -1", 6]);
    expect(r.batches).toEqual([[1, -1, 3], [1], [-1], [3]]);
  });

  it("a runner that throws before its promise is a refusal, not a crash", async () => {
    const call = gatherCalls<number, number>(() => {
      throw new Error("no connection");
    });
    await expect(call(1)).rejects.toThrow("no connection");
  });
});
