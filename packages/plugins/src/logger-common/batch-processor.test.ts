import { BatchProcessor, PendingBudget, type BatchProcessorOptions } from './batch-processor';

const OPTIONS: BatchProcessorOptions = {
  name: 'test logger',
  batch_max_size: 3,
  inactive_timeout: 2,
  buffer_duration: 10,
  max_retry_count: 0,
  retry_delay: 1,
};

/** A sink recording each batch; `fail` decides per attempt whether it rejects. */
function recorder(fail: (attempt: number) => boolean = () => false) {
  const batches: number[][] = [];
  let attempts = 0;
  const send = (entries: readonly number[]): Promise<void> => {
    attempts += 1;
    if (fail(attempts)) return Promise.reject(new Error(`attempt ${attempts} failed`));
    batches.push([...entries]);
    return Promise.resolve();
  };
  return { batches, send, attempts: () => attempts };
}

/** Let the promise callbacks of the sends run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('BatchProcessor (APISIX t/utils/batch-processor.t)', () => {
  it('sends a full batch at batch_max_size at once', async () => {
    const r = recorder();
    const bp = new BatchProcessor(r.send, OPTIONS);
    [1, 2, 3, 4].forEach((n) => bp.push(n));
    await settle();
    expect(r.batches).toEqual([[1, 2, 3]]);
  });

  it('sends what is buffered after inactive_timeout without new entries', async () => {
    const r = recorder();
    const bp = new BatchProcessor(r.send, OPTIONS);
    bp.push(1);
    jest.advanceTimersByTime(1999);
    await settle();
    expect(r.batches).toEqual([]);
    jest.advanceTimersByTime(1);
    await settle();
    expect(r.batches).toEqual([[1]]);
  });

  it('sends a buffer whose oldest entry is buffer_duration old, even while entries keep coming', async () => {
    const r = recorder();
    const bp = new BatchProcessor(r.send, { ...OPTIONS, batch_max_size: 1000, buffer_duration: 3 });
    for (let s = 0; s < 4; s++) {
      bp.push(s);
      jest.advanceTimersByTime(1000);
      await settle();
    }
    // Entries at 0, 1, 2 and 3 s; the 2 s timer at 4 s finds the oldest 4 s old.
    jest.advanceTimersByTime(1000);
    await settle();
    expect(r.batches).toEqual([[0, 1, 2, 3]]);
  });

  it('with batch_max_size 1 sends each entry on its own, with the batch size for the sink', async () => {
    const sizes: number[] = [];
    const bp = new BatchProcessor(
      (entries: readonly number[], max) => {
        sizes.push(entries.length, max);
        return Promise.resolve();
      },
      { ...OPTIONS, batch_max_size: 1 },
    );
    bp.push(1);
    bp.push(2);
    await settle();
    expect(sizes).toEqual([1, 1, 1, 1]);
  });

  it('retries a failed batch after retry_delay, up to max_retry_count, keeping the batch', async () => {
    const r = recorder((attempt) => attempt <= 2);
    const failures: boolean[] = [];
    const bp = new BatchProcessor(
      r.send,
      { ...OPTIONS, max_retry_count: 2, retry_delay: 1 },
      undefined,
      (_err, info) => failures.push(info.dropped),
    );
    [1, 2, 3].forEach((n) => bp.push(n));
    await settle();
    expect(r.attempts()).toBe(1);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(r.attempts()).toBe(2);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(r.batches).toEqual([[1, 2, 3]]);
    expect(failures).toEqual([false, false]);
  });

  it('drops a batch once max_retry_count retries failed, and frees its backlog', async () => {
    const r = recorder(() => true);
    const budget = new PendingBudget(100);
    const failures: boolean[] = [];
    const bp = new BatchProcessor(
      r.send,
      { ...OPTIONS, max_retry_count: 1 },
      budget,
      (_err, info) => failures.push(info.dropped),
    );
    [1, 2, 3].forEach((n) => bp.push(n));
    await settle();
    expect(budget.pending).toBe(3);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(failures).toEqual([false, true]);
    expect(r.attempts()).toBe(2);
    expect(budget.pending).toBe(0);
    expect(bp.idle).toBe(true);
  });

  it('max_pending_entries: entries over the backlog are refused and counted', async () => {
    const r = recorder(() => true);
    const budget = new PendingBudget(4);
    const bp = new BatchProcessor(r.send, { ...OPTIONS, max_retry_count: 5 }, budget);
    const accepted = Array.from({ length: 10 }, (_, n) => bp.push(n));
    // APISIX refuses once pushed - processed > max: the backlog reaches max + 1.
    expect(accepted.filter(Boolean)).toHaveLength(5);
    expect(budget.dropped).toBe(5);
    expect(budget.pending).toBe(5);
    await settle();
  });

  it('close sends the buffer and the batches waiting for a retry, and waits for them', async () => {
    let failFirst = true;
    const batches: number[][] = [];
    const bp = new BatchProcessor(
      (entries: readonly number[]) => {
        if (failFirst) {
          failFirst = false;
          return Promise.reject(new Error('down'));
        }
        batches.push([...entries]);
        return Promise.resolve();
      },
      { ...OPTIONS, max_retry_count: 3, retry_delay: 60 },
    );
    [1, 2, 3, 4].forEach((n) => bp.push(n));
    await settle();
    jest.useRealTimers();
    await bp.close(Date.now() + 1000);
    expect(batches).toEqual([[4], [1, 2, 3]]);
    expect(bp.push(5)).toBe(false);
  });

  it('close gives up on a send still running at the deadline', async () => {
    jest.useRealTimers();
    const bp = new BatchProcessor(() => new Promise<void>(() => undefined), OPTIONS);
    bp.push(1);
    const started = Date.now();
    await bp.close(Date.now() + 50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(bp.idle).toBe(false);
  });
});
