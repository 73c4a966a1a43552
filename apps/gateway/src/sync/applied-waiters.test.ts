import { AppliedWaiters } from './applied-waiters';

describe('AppliedWaiters', () => {
  it('resolves at once when every worker has the revision, or there is no worker', async () => {
    await expect(new AppliedWaiters(() => [7, 9]).until(7)).resolves.toBeUndefined();
    await expect(new AppliedWaiters(() => []).until(7)).resolves.toBeUndefined();
  });

  it('holds a write until the slowest worker applied it', async () => {
    const applied = [5, 5];
    const waiters = new AppliedWaiters(() => applied, 60_000);
    let answered = false;
    const waiting = waiters.until(6).then(() => (answered = true));
    applied[0] = 6;
    waiters.check();
    await Promise.resolve();
    expect(answered).toBe(false);
    applied[1] = 8;
    waiters.check();
    await waiting;
    expect(answered).toBe(true);
  });

  it('answers after the timeout when a worker never gets there', async () => {
    const waiters = new AppliedWaiters(() => [1], 20);
    const started = Date.now();
    await waiters.until(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});
