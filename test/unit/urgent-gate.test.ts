import { describe, expect, it, vi } from "vitest";
import { createUrgentGate } from "../../src/lib/urgent-gate.ts";

describe("the urgent gate", () => {
  it("lets other work through at once when nothing urgent runs", async () => {
    const gate = createUrgentGate();
    await expect(gate.clear(10_000)).resolves.toBeUndefined();
  });

  it("holds other work until the last urgent job ends, and a double leave counts once", async () => {
    vi.useFakeTimers();
    try {
      const gate = createUrgentGate();
      const a = gate.enter();
      const b = gate.enter();
      let through = false;
      void gate.clear(10_000).then(() => (through = true));
      a();
      a();
      await vi.advanceTimersByTimeAsync(0);
      expect(through).toBe(false);
      expect(gate.running).toBe(1);
      b();
      await vi.advanceTimersByTimeAsync(0);
      expect(through).toBe(true);
      expect(gate.running).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never holds other work longer than its bound", async () => {
    vi.useFakeTimers();
    try {
      const gate = createUrgentGate();
      gate.enter();
      let through = false;
      void gate.clear(250).then(() => (through = true));
      await vi.advanceTimersByTimeAsync(249);
      expect(through).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(through).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("demoting urgent work once its text is out", () => {
  /** how start-workers runs an urgent job: entered, with its own view of the gate */
  const runUrgent = async (gate: ReturnType<typeof createUrgentGate>, fn: (mine: ReturnType<typeof createUrgentGate>) => Promise<void>) => {
    const leave = gate.enter();
    try {
      await fn(gate.forJob(leave));
    } finally {
      leave();
    }
  };

  it("leaves the gate early, then waits its turn behind the urgent work still running", async () => {
    const gate = createUrgentGate();
    const order: string[] = [];
    let finishOther!: () => void;
    const other = runUrgent(gate, () => new Promise<void>((ok) => (finishOther = ok)));
    const mine = runUrgent(gate, async (view) => {
      order.push("text sent");
      await view.demote(10_000);
      order.push("bookkeeping");
    });
    await new Promise((r) => setImmediate(r));
    expect(gate.running).toBe(1); // mine left; the other is still urgent
    expect(order).toEqual(["text sent"]);
    finishOther();
    await Promise.all([other, mine]);
    expect(order).toEqual(["text sent", "bookkeeping"]);
    expect(gate.running).toBe(0);
  });

  it("is nothing outside an urgent job's view", async () => {
    const gate = createUrgentGate();
    gate.enter();
    await expect(gate.demote(10_000)).resolves.toBeUndefined();
    expect(gate.running).toBe(1);
  });
});
