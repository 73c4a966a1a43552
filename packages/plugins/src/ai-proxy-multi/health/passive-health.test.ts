import { PassiveHealth, type BreakerState } from './passive-health';

/** Let recorded outcomes (opossum promise chains) settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('PassiveHealth', () => {
  let clock = 1_000_000;
  let passive: PassiveHealth;
  let changes: [string, BreakerState][];

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    clock = 1_000_000;
    changes = [];
    passive = new PassiveHealth({
      now: () => clock,
      resetTimeoutMs: 10_000,
      onStateChange: (key, state) => changes.push([key, state]),
    });
  });

  afterEach(() => {
    passive.close();
    jest.useRealTimers();
  });

  it('opens after 3 consecutive failures by default', async () => {
    passive.recordFailure('k', { status: 500 });
    passive.recordFailure('k', { status: 502 });
    await settle();
    expect(passive.isOpen('k')).toBe(false);
    passive.recordFailure('k', { kind: 'connect' });
    passive.recordFailure('k', { status: 503 });
    await settle();
    expect(passive.isOpen('k')).toBe(true);
    expect(passive.state('k')).toBe('open');
    expect(changes).toEqual([['k', 'open']]);
  });

  it('needs the failures to be consecutive: a success resets the count', async () => {
    passive.recordFailure('k', { status: 500 });
    passive.recordFailure('k', { status: 500 });
    passive.recordSuccess('k');
    passive.recordFailure('k', { status: 500 });
    passive.recordFailure('k', { status: 500 });
    await settle();
    expect(passive.state('k')).toBe('closed');
    passive.recordFailure('k', { status: 500 });
    await settle();
    expect(passive.state('k')).toBe('open');
  });

  it('never counts 4xx other than 429 (they even reset the count)', async () => {
    for (const status of [400, 401, 403, 404, 413, 422]) passive.recordFailure('k', { status });
    await settle();
    expect(passive.state('k')).toBe('closed');
    passive.recordFailure('k', { status: 500 });
    passive.recordFailure('k', { status: 500 });
    passive.recordFailure('k', { status: 400 });
    passive.recordFailure('k', { status: 500 });
    await settle();
    expect(passive.state('k')).toBe('closed');
  });

  it('counts 429', async () => {
    for (let i = 0; i < 3; i++) passive.recordFailure('k', { status: 429 });
    await settle();
    expect(passive.state('k')).toBe('open');
  });

  it('keeps an instance out for its Retry-After even with the breaker closed', async () => {
    passive.recordFailure('k', { status: 429, retryAfterMs: 20_000 });
    await settle();
    expect(passive.state('k')).toBe('closed');
    expect(passive.isOpen('k')).toBe(true);
    expect(passive.retryAfterRemainingMs('k')).toBe(20_000);
    clock += 19_999;
    expect(passive.isOpen('k')).toBe(true);
    clock += 1;
    expect(passive.isOpen('k')).toBe(false);
  });

  it('honours Retry-After on 503 but not on other statuses', () => {
    passive.recordFailure('a', { status: 503, retryAfterMs: 5_000 });
    passive.recordFailure('b', { status: 500, retryAfterMs: 5_000 });
    expect(passive.isOpen('a')).toBe(true);
    expect(passive.isOpen('b')).toBe(false);
  });

  it('goes half-open after resetTimeout; a successful trial closes the breaker', async () => {
    for (let i = 0; i < 3; i++) passive.recordFailure('k', { kind: 'reset' });
    await settle();
    expect(passive.isOpen('k')).toBe(true);
    jest.advanceTimersByTime(9_999);
    expect(passive.state('k')).toBe('open');
    jest.advanceTimersByTime(1);
    expect(passive.state('k')).toBe('half-open');
    expect(passive.isOpen('k')).toBe(false);
    passive.recordSuccess('k');
    await settle();
    expect(passive.state('k')).toBe('closed');
    expect(changes.map(([, s]) => s)).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens when the half-open trial fails', async () => {
    for (let i = 0; i < 3; i++) passive.recordFailure('k', { kind: 'timeout' });
    await settle();
    jest.advanceTimersByTime(10_000);
    expect(passive.state('k')).toBe('half-open');
    passive.recordFailure('k', { status: 502 });
    await settle();
    expect(passive.state('k')).toBe('open');
    jest.advanceTimersByTime(10_000);
    expect(passive.state('k')).toBe('half-open');
  });

  it('ignores outcomes while open', async () => {
    for (let i = 0; i < 3; i++) passive.recordFailure('k', { status: 500 });
    await settle();
    passive.recordSuccess('k');
    await settle();
    expect(passive.state('k')).toBe('open');
  });

  it('uses checks.passive thresholds and statuses per kind', async () => {
    passive.configure('k', {
      unhealthy: { http_failures: 2, tcp_failures: 1, timeouts: 4, http_statuses: [500, 429] },
    });
    passive.recordFailure('k', { status: 502 }); // not an unhealthy status: ignored
    passive.recordFailure('k', { status: 500 });
    await settle();
    expect(passive.state('k')).toBe('closed');
    passive.recordFailure('k', { status: 502 });
    passive.recordFailure('k', { status: 500 });
    await settle();
    expect(passive.state('k')).toBe('open');

    passive.configure('t', {
      unhealthy: { http_failures: 9, tcp_failures: 1, timeouts: 4, http_statuses: [500] },
    });
    passive.recordFailure('t', { kind: 'connect' });
    await settle();
    expect(passive.state('t')).toBe('open');
  });

  it('fills APISIX passive defaults when checks.passive omits unhealthy', async () => {
    passive.configure('k', {});
    for (let i = 0; i < 4; i++) passive.recordFailure('k', { status: 500 });
    await settle();
    expect(passive.state('k')).toBe('closed');
    passive.recordFailure('k', { status: 500 });
    await settle();
    expect(passive.state('k')).toBe('open');
  });

  it('keeps state when re-configured identically, restarts it on change', async () => {
    passive.configure('k', undefined);
    for (let i = 0; i < 3; i++) passive.recordFailure('k', { status: 500 });
    await settle();
    passive.configure('k', undefined);
    expect(passive.state('k')).toBe('open');
    passive.configure('k', {
      unhealthy: { http_failures: 1, tcp_failures: 1, timeouts: 1, http_statuses: [500] },
    });
    expect(passive.state('k')).toBe('closed');
  });

  it('markHealthy closes an open breaker (an active probe recovered it)', async () => {
    for (let i = 0; i < 3; i++) passive.recordFailure('k', { status: 500 });
    await settle();
    passive.markHealthy('k');
    expect(passive.state('k')).toBe('closed');
    expect(passive.isOpen('k')).toBe(false);
  });

  it('retain drops other keys', async () => {
    for (let i = 0; i < 3; i++) passive.recordFailure('gone', { status: 500 });
    passive.recordSuccess('kept');
    await settle();
    passive.retain(['kept']);
    expect(passive.keys()).toEqual(['kept']);
    expect(passive.isOpen('gone')).toBe(false);
    expect(passive.state('gone')).toBe('closed');
  });

  it('records nothing when disabled (apisix.disable_upstream_healthcheck, issue 9 item 8)', async () => {
    const off = new PassiveHealth({ disabled: true, now: () => clock });
    off.configure('k', {
      unhealthy: { http_failures: 1, tcp_failures: 1, timeouts: 1, http_statuses: [500] },
    });
    for (let i = 0; i < 10; i++) off.recordFailure('k', { status: 500 });
    off.recordFailure('k', { kind: 'timeout' });
    off.recordFailure('k', { status: 429, retryAfterMs: 60_000 });
    await settle();
    expect(off.isOpen('k')).toBe(false);
    expect(off.state('k')).toBe('closed');
    expect(off.retryAfterRemainingMs('k')).toBe(0);
    expect(off.keys()).toEqual([]);
    off.close();
  });
});
