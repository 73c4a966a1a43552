/**
 * A watch that records what it receives, for assertions.
 */
import type { ConfigStore, Watch, WatchBatch, WatchEvent } from '../../src';
import { waitFor } from '@tollgate/testkit';

/** Recorded batches and errors of one watch. */
export interface WatchRecorder {
  readonly batches: WatchBatch[];
  readonly errors: Error[];
  readonly watch: Watch;
  /** Every event received, flattened, in delivery order. */
  events(): WatchEvent[];
  /** Wait until an event with modRevision ≥ `revision` has arrived. */
  waitForRevision(revision: number, timeoutMs?: number): Promise<void>;
  /** Wait until onError was called. */
  waitForError(timeoutMs?: number): Promise<Error>;
}

/** Start a watch on `store` that records into arrays. */
export function recordWatch(
  store: ConfigStore,
  prefix: string,
  fromRevision: number,
): WatchRecorder {
  const batches: WatchBatch[] = [];
  const errors: Error[] = [];
  const watch = store.watch({
    prefix,
    fromRevision,
    onBatch: (batch) => batches.push(batch),
    onError: (err) => errors.push(err),
  });
  const events = () => batches.flatMap((b) => b.events);
  return {
    batches,
    errors,
    watch,
    events,
    async waitForRevision(revision, timeoutMs = 15_000) {
      await waitFor(
        `watch on ${prefix} to reach revision ${revision} (at ${batches.at(-1)?.revision ?? 'none'})`,
        () => {
          const err = errors[0];
          if (err) throw err;
          return batches.some((b) => b.revision >= revision);
        },
        timeoutMs,
      );
    },
    async waitForError(timeoutMs = 15_000) {
      return waitFor(`watch on ${prefix} to report an error`, () => errors[0], timeoutMs);
    },
  };
}

/** A compact, comparable form of events. */
export function summarize(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.item.key}=${e.item.value} @${e.item.modRevision}`);
}
