import { probeSpec } from './probe-spec';
import { TargetVerdict, type ProbeOutcome } from './target-verdict';

function verdict(active: Record<string, unknown> = {}): TargetVerdict {
  const spec = probeSpec({ provider: 'openai', checks: { active } });
  if (!spec) throw new Error('no spec');
  return new TargetVerdict(spec);
}

const status = (s: number): ProbeOutcome => ({ kind: 'status', status: s });
const tcp: ProbeOutcome = { kind: 'tcp_failure', error: 'ECONNREFUSED' };
const timeout: ProbeOutcome = { kind: 'timeout', error: 'slow' };

function feed(v: TargetVerdict, outcomes: ProbeOutcome[]): boolean[] {
  return outcomes.map((o) => v.apply(o));
}

describe('TargetVerdict', () => {
  it('starts healthy and falls after http_failures unhealthy statuses', () => {
    const v = verdict({ unhealthy: { http_failures: 3 } });
    expect(v.healthy).toBe(true);
    expect(feed(v, [status(500), status(503)])).toEqual([false, false]);
    expect(v.healthy).toBe(true);
    expect(v.apply(status(404))).toBe(true);
    expect(v.healthy).toBe(false);
    expect(v.failureCount).toBe(3);
  });

  it('rises after healthy.successes consecutive healthy statuses', () => {
    const v = verdict({ healthy: { successes: 2 }, unhealthy: { http_failures: 1 } });
    v.apply(status(500));
    expect(v.healthy).toBe(false);
    expect(feed(v, [status(200), status(500), status(200)])).toEqual([false, false, false]);
    expect(v.healthy).toBe(false);
    expect(v.apply(status(302))).toBe(true);
    expect(v.healthy).toBe(true);
  });

  it('ignores statuses in neither list', () => {
    const v = verdict({ unhealthy: { http_failures: 2 } });
    expect(feed(v, [status(500), status(401), status(418), status(500)])).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it('counts an unparsable response (status 0) as an HTTP failure', () => {
    const v = verdict({ unhealthy: { http_failures: 1 } });
    expect(v.apply(status(0))).toBe(true);
  });

  it('keeps separate thresholds per failure kind; a success resets them all', () => {
    const v = verdict({ unhealthy: { http_failures: 5, tcp_failures: 2, timeouts: 3 } });
    feed(v, [tcp, timeout, timeout, status(500)]);
    expect(v.healthy).toBe(true);
    expect(v.failureCount).toBe(4);
    v.apply(status(200));
    expect(v.failureCount).toBe(0);
    feed(v, [timeout, timeout]);
    expect(v.healthy).toBe(true);
    expect(v.apply(timeout)).toBe(true);
    expect(v.healthy).toBe(false);
  });

  it('a failure resets the success streak', () => {
    const v = verdict({ healthy: { successes: 2 }, unhealthy: { tcp_failures: 1 } });
    v.apply(tcp);
    feed(v, [{ kind: 'connected' }, tcp, { kind: 'connected' }]);
    expect(v.healthy).toBe(false);
    expect(v.apply({ kind: 'connected' })).toBe(true);
  });

  it('never counts probe errors', () => {
    const v = verdict({ unhealthy: { http_failures: 1, tcp_failures: 1, timeouts: 1 } });
    expect(v.apply({ kind: 'error', error: 'bad header' })).toBe(false);
    expect(v.healthy).toBe(true);
  });
});
