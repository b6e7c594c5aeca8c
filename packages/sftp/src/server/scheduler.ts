// The order requests run in (draft-02 §6.1): requests may be handled in any order, but those
// relating to the same file must give the results they would one at a time. Each request is
// either shared — it reads and changes nothing (READ, STAT, FSTAT, REALPATH, …) — or exclusive.
// In arrival order, like a fair reader-writer lock: a shared request starts once every earlier
// exclusive one has finished, so pipelined READs overlap; an exclusive one starts once everything
// before it has finished, and holds back everything after it. The outcome is that of running
// them one by one. A task's slot is freed only when its reply has gone to the pipe, so a client
// that stops reading replies stops the server (and, through `pending`, its reading of requests).
export type Access = 'shared' | 'exclusive';

interface Task {
  access: Access;
  run: () => Promise<void>;
}

export class RequestScheduler {
  private readonly queue: Task[] = [];
  private head = 0;
  private shared = 0;
  private exclusive = false;
  private waiters: { below: number; resolve: () => void }[] = [];

  /** `maxShared`: shared tasks running at once (a bound on replies held in memory). */
  constructor(private readonly maxShared: number) {}

  /** Tasks queued or running. */
  get pending(): number {
    return this.queue.length - this.head + this.shared + (this.exclusive ? 1 : 0);
  }

  /** Queues `run`; it must not throw (a rejection is swallowed). */
  submit(access: Access, run: () => Promise<void>): void {
    this.queue.push({ access, run });
    this.pump();
  }

  /** Resolves once fewer than `below` tasks are pending (0 < below; 1: all done). */
  waitBelow(below: number): Promise<void> {
    if (this.pending < below) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below, resolve }));
  }

  private pump(): void {
    while (this.head < this.queue.length && !this.exclusive) {
      const task = this.queue[this.head]!;
      if (task.access === 'exclusive' ? this.shared > 0 : this.shared >= this.maxShared) break;
      this.head++;
      if (task.access === 'exclusive') this.exclusive = true;
      else this.shared++;
      void Promise.resolve()
        .then(task.run)
        .catch(() => {})
        .finally(() => {
          if (task.access === 'exclusive') this.exclusive = false;
          else this.shared--;
          this.settled();
        });
    }
    // Compact the queue once its consumed head is large.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private settled(): void {
    this.pump();
    const pending = this.pending;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (pending < w.below) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}
