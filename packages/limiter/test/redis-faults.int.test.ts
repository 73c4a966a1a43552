// Fault injection against a private redis-server that the tests stop, kill, freeze and restart:
// every operation settles within redis_timeout + slack, the breaker fails calls fast, and counting
// resumes by itself on the same store once Redis is back.
import { startRedis, timed, waitFor, type RedisServer } from '@tollgate/testkit';
import {
  isCounterStoreUnavailable,
  RedisCounterStore,
  type RedisCounterStoreOptions,
} from '../src';

const TIMEOUT_MS = 500;
/** Event-loop and scheduling latency allowed on top of redis_timeout. */
const SLACK_MS = 150;
/**
 * Time a call rejected by an open breaker may take: far below redis_timeout (the behaviour under
 * test), with room for scheduling latency when other suites run beside this one.
 */
const FAST_MS = 100;
const TUNING: RedisCounterStoreOptions = { breakerResetMs: 1000, reconnectCapMs: 500 };
/** Worst resume time: reconnect backoff + breaker reset + one trial deadline + polling. */
const RESUME_BOUND_MS = 500 + 1000 + TIMEOUT_MS + 1000;

jest.setTimeout(60_000);

const timings: Record<string, number> = {};
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** Warn lines of the current store. */
let warnings: string[] = [];
const logger = { warn: (msg: string) => warnings.push(msg), info: () => undefined };

let redis: RedisServer;
let store: RedisCounterStore;
let n = 0;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await startRedis();
});
beforeEach(async () => {
  warnings = [];
  if (!redis.process.running) await redis.process.start();
  store = newStore();
  expect((await store.charge('warm', 1, 60)).consumed).toBe(1);
});
afterEach(async () => {
  if (redis.process.pid) process.kill(redis.process.pid, 'SIGCONT');
  await store.close();
});
afterAll(async () => {
  await redis.destroy();
  await new Promise((r) => setTimeout(r, 50));
  process.off('unhandledRejection', onUnhandled);
  process.stdout.write(`redis counter fault timings (ms): ${JSON.stringify(timings)}\n`);
  expect(unhandled).toEqual([]);
});

function newStore(): RedisCounterStore {
  const url = new URL(redis.url);
  return new RedisCounterStore(
    { redis_host: url.hostname, redis_port: Number(url.port), redis_timeout: TIMEOUT_MS },
    { ...TUNING, logger, keyPrefix: `faults-${process.pid}-${++n}:` },
  );
}

/** Run `count` operations (alternating peek and charge), `parallel` at a time; all must fail. */
async function allFail(label: string, count: number, parallel = 1): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, j) =>
      timed(() => ((i + j) % 2 ? store.peek('k') : store.charge('k', 5, 60))),
    );
    for (const r of await Promise.all(batch)) {
      expect(isCounterStoreUnavailable(r.error)).toBe(true);
      durations.push(r.ms);
    }
  }
  timings[`${label} max`] = Math.max(timings[`${label} max`] ?? 0, ...durations);
  expect(Math.max(...durations)).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
  return durations;
}

/** Calls made while the breaker is open fail at once. */
async function expectFailFast(label: string): Promise<void> {
  await waitFor('breaker open', () => store.breakerState === 'open', 5_000, 10);
  const durations = await allFail(`${label} breaker open`, 50, 10);
  expect(Math.max(...durations)).toBeLessThanOrEqual(FAST_MS);
}

/** Time until a charge succeeds again on the same store; then new charges count. */
async function expectResume(label: string, since: number): Promise<void> {
  const consumed = await waitFor(
    'counting to resume',
    async () => (await store.charge('after', 3, 60)).consumed,
    RESUME_BOUND_MS + 5_000,
    50,
  );
  const ms = Date.now() - since;
  timings[`${label} resume`] = ms;
  expect(ms).toBeLessThanOrEqual(RESUME_BOUND_MS);
  expect((await store.charge('after', 4, 60)).consumed).toBe(consumed + 4);
  expect((await store.peek('after')).consumed).toBe(consumed + 4);
}

it('Redis stopped: every call fails within redis_timeout, then fast, and counting resumes', async () => {
  await redis.process.stop();
  await allFail('stopped sequential', 10);
  await allFail('stopped concurrent', 60, 20);
  await expectFailFast('stopped');
  // Stay down for a while: ioredis keeps failing to reconnect, half-open trials keep failing.
  const downUntil = Date.now() + 2_500;
  while (Date.now() < downUntil) {
    await allFail('stopped for long', 1);
    await new Promise((r) => setTimeout(r, 100));
  }
  const restarted = Date.now();
  await redis.process.start();
  await expectResume('stopped', restarted);
  expect(store.breakerState).toBe('closed');
  // Reconnect errors and breaker re-opens repeat, but each is logged once per 10 s.
  expect(warnings.filter((w) => w === 'redis counter store connection error')).toHaveLength(1);
  expect(warnings.filter((w) => w === 'redis counter breaker open')).toHaveLength(1);
});

it('Redis killed with calls in flight: every call settles within redis_timeout', async () => {
  const inFlight = Array.from({ length: 100 }, () => timed(() => store.charge('k', 1, 60)));
  await redis.process.kill();
  const results = await Promise.all(inFlight);
  for (const r of results) {
    if (r.error !== undefined) expect(isCounterStoreUnavailable(r.error)).toBe(true);
  }
  timings['killed in-flight max'] = Math.max(...results.map((r) => r.ms));
  expect(timings['killed in-flight max']).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
  await allFail('killed', 20, 5);
  const restarted = Date.now();
  await redis.process.start();
  await expectResume('killed', restarted);
});

it('Redis frozen (SIGSTOP): calls fail within redis_timeout, then fast, and resume after SIGCONT', async () => {
  const pid = redis.process.pid ?? 0;
  process.kill(pid, 'SIGSTOP');
  const first = await allFail('frozen concurrent', 20, 20);
  expect(Math.min(...first)).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  await allFail('frozen sequential', 3);
  await expectFailFast('frozen');
  const resumed = Date.now();
  process.kill(pid, 'SIGCONT');
  await expectResume('frozen', resumed);
});

it('Redis down when the store is created: calls fail within redis_timeout, then it connects', async () => {
  await store.close();
  await redis.process.stop();
  store = newStore();
  await allFail('down at creation', 10);
  const started = Date.now();
  await redis.process.start();
  await expectResume('down at creation', started);
});

it('with the production defaults (redis_timeout 1000): frozen, then back', async () => {
  await store.close();
  const url = new URL(redis.url);
  store = new RedisCounterStore(
    { redis_host: url.hostname, redis_port: Number(url.port) },
    { keyPrefix: `faults-${process.pid}-${++n}:` },
  );
  expect((await store.charge('warm', 1, 60)).consumed).toBe(1);
  const pid = redis.process.pid ?? 0;
  process.kill(pid, 'SIGSTOP');
  const durations = (
    await Promise.all(Array.from({ length: 5 }, () => timed(() => store.peek('k'))))
  ).map((r) => {
    expect(isCounterStoreUnavailable(r.error)).toBe(true);
    return r.ms;
  });
  timings['defaults frozen max'] = Math.max(...durations);
  expect(timings['defaults frozen max']).toBeLessThanOrEqual(1000 + SLACK_MS);
  await waitFor('breaker open', () => store.breakerState === 'open', 5_000, 10);
  const resumed = Date.now();
  process.kill(pid, 'SIGCONT');
  await waitFor('counting to resume', () => store.charge('after', 1, 60), 10_000, 50);
  timings['defaults frozen resume'] = Date.now() - resumed;
  expect(timings['defaults frozen resume']).toBeLessThanOrEqual(2000 + 1000 + 1000);
});
