/**
 * Records what a ConfigSync hands out and replays it into a key → value view, with bounded
 * waits (poll with a deadline, never a fixed sleep).
 */
import type { ConfigUpdate, ConfigValue } from '../../../src/config/update';

import { waitFor } from '@tollgate/testkit';

export { waitFor };

/** The updates received, and the config they add up to. */
export class UpdateRecorder {
  readonly updates: ConfigUpdate[] = [];
  readonly view = new Map<string, ConfigValue>();

  /** Pass as `onUpdate`. */
  readonly onUpdate = (update: ConfigUpdate): void => {
    this.updates.push(update);
    if (update.kind === 'full') {
      this.view.clear();
      for (const [key, value] of update.items) this.view.set(key, value);
      return;
    }
    for (const key of update.deletes) this.view.delete(key);
    for (const [key, value] of update.puts) this.view.set(key, value);
  };

  get last(): ConfigUpdate | undefined {
    return this.updates.at(-1);
  }

  /** Keys of the view, sorted. */
  keys(): string[] {
    return [...this.view.keys()].sort();
  }

  /** Wait until an update satisfying `match` arrives at index ≥ `from`; resolves it. */
  async next(
    what: string,
    match: (u: ConfigUpdate) => boolean,
    from = 0,
    timeoutMs = 15_000,
  ): Promise<ConfigUpdate> {
    return waitFor(what, () => this.updates.slice(from).find(match), timeoutMs);
  }

  /** Compact summary: `full@5 stale [routes/1]`, `delta@6 +routes/2 -routes/1`. */
  summary(from = 0): string[] {
    return this.updates
      .slice(from)
      .map((u) =>
        u.kind === 'full'
          ? `full${u.stale ? ' stale' : ''} [${u.items.map(([k]) => k).join(',')}]`
          : `delta ${[...u.puts.map(([k]) => `+${k}`), ...u.deletes.map((k) => `-${k}`)].join(' ')}`,
      );
  }

  /** Every revision handed out is ≥ the one before. */
  revisionsNeverDecrease(from = 0): boolean {
    const revs = this.updates.slice(from).map((u) => u.revision);
    return revs.every((r, i) => i === 0 || r >= (revs[i - 1] ?? 0));
  }
}
