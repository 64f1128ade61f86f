/** A clock a test moves and a task queue it runs, for the viewer's work between frames (tileWorkBudget.ts, tileRequestQueue.ts). */
export function harness() {
  let t = 0;
  const tasks: (() => void)[] = [];
  return {
    now: () => t,
    pass: (ms: number) => { t += ms; },
    schedule: (run: () => void) => { tasks.push(run); },
    /** Runs the tasks scheduled so far and those they schedule; how many ran. */
    drain(): number { let n = 0; while (tasks.length > 0) { tasks.shift()!(); n++; } return n; },
  };
}
