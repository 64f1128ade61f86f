/**
 * Work drained in tasks between animation frames: tileWorkBudget.ts (tiles finished past a tick's
 * budget) and tileRequestQueue.ts (tile requests sent). Each task runs queued items in order until
 * `budgetMs` has passed (at least one item that counts), then schedules the next task if any remain.
 */

/** A macrotask after the current one (not a microtask: frames and input may run in between). */
export function nextTask(run: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { channel.port1.close(); run(); };
  channel.port2.postMessage(null);
}

const LONG_TASK_MS = 50;

export interface BetweenFramesStats {
  /** Tasks that ran at least one item; the items they ran; their time, ms; those over 50 ms; the longest, ms. */
  tasks: number;
  calls: number;
  taskMs: number;
  tasksOver50Ms: number;
  longestTaskMs: number;
}

export class BetweenFrames<T> {
  private items: T[] = [];
  private scheduled = false;
  readonly stats: BetweenFramesStats = { tasks: 0, calls: 0, taskMs: 0, tasksOver50Ms: 0, longestTaskMs: 0 };

  constructor(
    private readonly budgetMs: number,
    /** Runs one item; false when it was skipped (stale, cancelled) and does not count. */
    private readonly run: (item: T) => boolean,
    private readonly now: () => number,
    private readonly schedule: (run: () => void) => void,
  ) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.task());
    }
  }

  /** Drops every queued item (a task already scheduled then finds nothing to run). */
  clear(): void {
    this.items = [];
  }

  private task(): void {
    this.scheduled = false;
    const start = this.now();
    let calls = 0;
    while (this.items.length > 0 && (calls === 0 || this.now() - start < this.budgetMs)) {
      if (this.run(this.items.shift()!)) calls++;
    }
    if (calls > 0) {
      const ms = this.now() - start, s = this.stats;
      s.tasks++;
      s.calls += calls;
      s.taskMs += ms;
      if (ms > LONG_TASK_MS) s.tasksOver50Ms++;
      s.longestTaskMs = Math.max(s.longestTaskMs, ms);
    }
    if (this.items.length > 0 && !this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.task());
    }
  }
}
