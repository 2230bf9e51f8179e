// One process, one event loop: while a missed call's text-back or a form's first text is being
// worked on, other work in this process (conversation bookkeeping, event subscribers, campaign
// sends) waits a moment before starting, so the urgent work gets the CPU and the database. The wait
// is bounded: other work is delayed, never starved.
export interface UrgentGate {
  /** urgent work starts; call the returned function when it ends (once) */
  enter(): () => void;
  /** resolves once no urgent work runs, or after `maxWaitMs` at the latest */
  clear(maxWaitMs: number): Promise<void>;
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
  return {
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
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          ok();
        }, maxWaitMs);
        const done = () => {
          clearTimeout(timer);
          ok();
        };
        waiters.push(done);
      });
    },
    get running() {
      return running;
    },
  };
}
