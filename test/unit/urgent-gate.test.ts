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
    const view = gate.forJob(leave);
    try {
      await fn(view);
    } finally {
      leave();
      view.end();
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

  it("lets only a few jobs' bookkeeping run at once, in the order they asked, each turn given on at the job's end", async () => {
    const gate = createUrgentGate({ turns: 2 });
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const job = (name: string) =>
      runUrgent(gate, async (view) => {
        await view.demote(10_000);
        started.push(name);
        await new Promise<void>((ok) => finish.set(name, ok));
      });
    const jobs = ["a", "b", "c", "d"].map(job);
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    expect(started).toEqual(["a", "b"]);
    finish.get("b")!();
    await settle();
    expect(started).toEqual(["a", "b", "c"]);
    finish.get("a")!();
    await settle();
    expect(started).toEqual(["a", "b", "c", "d"]);
    finish.get("c")!();
    finish.get("d")!();
    await Promise.all(jobs);
    // every turn came back: two more start at once
    const later: string[] = [];
    await Promise.all(["e", "f"].map((n) => runUrgent(gate, async (v) => void (await v.demote(10_000), later.push(n)))));
    expect(later).toEqual(["e", "f"]);
  });

  it("never keeps bookkeeping waiting for a turn longer than its bound, and a job that went ahead gives back no turn", async () => {
    vi.useFakeTimers();
    try {
      const gate = createUrgentGate({ turns: 1, maxTurnWaitMs: 1_000 });
      let releaseHolder!: () => void;
      const holder = runUrgent(gate, async (v) => {
        await v.demote(10_000);
        await new Promise<void>((ok) => (releaseHolder = ok));
      });
      let late = false;
      const waiting = runUrgent(gate, async (v) => {
        await v.demote(10_000);
        late = true;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(late).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(late).toBe(true);
      await waiting;
      releaseHolder();
      await holder;
      // one turn in all: the next job takes it at once, and the one after waits for it
      const order: string[] = [];
      let releaseNext!: () => void;
      const next = runUrgent(gate, async (v) => {
        await v.demote(10_000);
        order.push("next");
        await new Promise<void>((ok) => (releaseNext = ok));
      });
      const after = runUrgent(gate, async (v) => {
        await v.demote(10_000);
        order.push("after");
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(order).toEqual(["next"]);
      releaseNext();
      await Promise.all([next, after]);
      expect(order).toEqual(["next", "after"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
