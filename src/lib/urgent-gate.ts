// One process, one event loop: while a missed call's text-back or a form's first text is being
// worked on, other work in this process (conversation bookkeeping, event subscribers, campaign
// sends) waits a moment before starting, so the urgent work gets the CPU and the database. The wait
// is bounded: other work is delayed, never starved.
//
// An urgent job's own bookkeeping (after its text is out) also runs only a few at a time: 50
// callers' bookkeeping at once (ORM transactions) held every pooled connection and most of the
// CPU, and the next burst's texts waited behind it. Waiting for a turn, a job uses nothing.
export interface UrgentGate {
  /** urgent work starts; call the returned function when it ends (more calls are harmless) */
  enter(): () => void;
  /** resolves once no urgent work runs, or after `maxWaitMs` at the latest */
  clear(maxWaitMs: number): Promise<void>;
  /**
   * In an urgent job's view of the gate (`forJob`): what the homeowner waits for is done (the text
   * is with the provider); the rest of the job is bookkeeping, which now waits like other work for
   * the remaining urgent work (at most `maxWaitMs`), then for one of the few bookkeeping turns
   * (held until the job's `end`). Elsewhere: nothing.
   */
  demote(maxWaitMs: number): Promise<void>;
  /** the gate as one urgent job sees it: its `demote` gives up that job's place (`leave`) */
  forJob(leave: () => void): JobGate;
  /** urgent work running now */
  readonly running: number;
}

export interface JobGate extends UrgentGate {
  /** the job is over: its bookkeeping turn (if it took one) goes to the next in line */
  end(): void;
}

export interface UrgentGateOptions {
  /** bookkeeping turns at once: enough to keep the database busy, few enough to leave it to texts */
  turns?: number;
  /** the longest a demoted job waits for a turn before it goes ahead without one (never starved) */
  maxTurnWaitMs?: number;
}

export function createUrgentGate(opts: UrgentGateOptions = {}): UrgentGate {
  const maxTurnWaitMs = opts.maxTurnWaitMs ?? 5_000;
  let running = 0;
  let waiters: (() => void)[] = [];
  // bookkeeping turns: FIFO, so every demoted job gets one in the order it asked
  let free = opts.turns ?? 4;
  let queue: ((got: boolean) => void)[] = [];
  /** resolves true with a turn, false when the wait ran out (the job goes ahead without one) */
  const takeTurn = () => {
    if (free > 0) {
      free--;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((ok) => {
      const give = (got: boolean) => {
        clearTimeout(timer);
        ok(got);
      };
      const timer = setTimeout(() => {
        queue = queue.filter((w) => w !== give);
        ok(false);
      }, maxTurnWaitMs);
      queue.push(give);
    });
  };
  const giveTurn = () => {
    const next = queue.shift();
    if (next) next(true);
    else free++;
  };
  const release = () => {
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };
  const gate: UrgentGate = {
    enter() {
      running++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        running--;
        if (running === 0) release();
      };
    },
    clear(maxWaitMs) {
      if (running === 0) return Promise.resolve();
      return new Promise<void>((ok) => {
        const done = () => {
          clearTimeout(timer);
          ok();
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          ok();
        }, maxWaitMs);
        waiters.push(done);
      });
    },
    demote: () => Promise.resolve(),
    forJob(leave) {
      // none → waiting → held (a turn) or none-left (the wait ran out) → ended
      let turn: "none" | "waiting" | "held" | "none-left" | "ended" = "none";
      return {
        ...gate,
        async demote(maxWaitMs) {
          if (turn !== "none") return;
          leave();
          await gate.clear(maxWaitMs);
          turn = "waiting";
          const got = await takeTurn();
          // ended while waiting (not from start-workers, which ends a job after it returns): give it on
          if ((turn as string) === "ended") {
            if (got) giveTurn();
          } else turn = got ? "held" : "none-left";
        },
        end() {
          if (turn === "held") giveTurn();
          turn = "ended";
        },
        get running() {
          return running;
        },
      };
    },
    get running() {
      return running;
    },
  };
  return gate;
}
