// One process, one event loop: while a missed call's text-back or a form's first text is being
// worked on, other work in this process (conversation bookkeeping, event subscribers, campaign
// sends) waits a moment before starting, so the urgent work gets the CPU and the database. The wait
// is bounded: other work is delayed, never starved.
export interface UrgentGate {
  /** urgent work starts; call the returned function when it ends (more calls are harmless) */
  enter(): () => void;
  /** resolves once no urgent work runs, or after `maxWaitMs` at the latest */
  clear(maxWaitMs: number): Promise<void>;
  /**
   * In an urgent job's view of the gate (`forJob`): what the homeowner waits for is done (the text
   * is with the provider); the rest of the job is bookkeeping, which now waits like other work for
   * the remaining urgent work (at most `maxWaitMs`). Elsewhere: nothing.
   */
  demote(maxWaitMs: number): Promise<void>;
  /** the gate as one urgent job sees it: its `demote` gives up that job's place (`leave`) */
  forJob(leave: () => void): UrgentGate;
  /** urgent work running now */
  readonly running: number;
}

export function createUrgentGate(): UrgentGate {
  let running = 0;
  let waiters: (() => void)[] = [];
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
      return {
        ...gate,
        async demote(maxWaitMs) {
          leave();
          await gate.clear(maxWaitMs);
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
