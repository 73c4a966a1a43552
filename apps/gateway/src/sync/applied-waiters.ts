/**
 * @module sync/applied-waiters
 * Read-your-writes on one node (issue 14): the Admin API in a node's process answers a write once
 * every worker of that node serves it. Workers accept their own connections (../accept), so
 * nothing else orders a client's next request after the primary's config broadcast: a consumer
 * written and used at once could meet a worker a millisecond behind. Bounded: a revision the node
 * never reaches (the store went back, a key outside its prefix) is waited for `timeoutMs` at most.
 */

/** How long a write's answer waits for the workers, at most. */
export const APPLIED_WAIT_MS = 1_000;

interface Waiter {
  revision: number;
  done(): void;
}

export class AppliedWaiters {
  private readonly waiting = new Set<Waiter>();

  /** `revisions`: what each serving worker has applied (none: nothing to wait for). */
  constructor(
    private readonly revisions: () => Iterable<number>,
    private readonly timeoutMs = APPLIED_WAIT_MS,
  ) {}

  /** Resolves once every serving worker has applied `revision`, or after the timeout. */
  until(revision: number): Promise<void> {
    if (this.reached(revision)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => waiter.done(), this.timeoutMs);
      const waiter: Waiter = {
        revision,
        done: () => {
          clearTimeout(timer);
          this.waiting.delete(waiter);
          resolve();
        },
      };
      this.waiting.add(waiter);
    });
  }

  /** A worker applied a revision, started or left: answer the writes it was holding back. */
  check(): void {
    for (const waiter of this.waiting) if (this.reached(waiter.revision)) waiter.done();
  }

  private reached(revision: number): boolean {
    for (const applied of this.revisions()) if (applied < revision) return false;
    return true;
  }
}
