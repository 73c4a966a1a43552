import { Registry } from 'prom-client';
import { SeriesGauge } from './series';

describe('SeriesGauge', () => {
  it('moves a series up and down by key, keeps it at 0, and renders as a gauge', async () => {
    const registry = new Registry();
    const gauge = new SeriesGauge({
      name: 'test_llm_active_connections',
      help: 'calls in flight',
      labelNames: ['route', 'llm_model'] as const,
      registers: [registry],
    });
    const a = { route: 'r1', llm_model: 'gpt-4o' };
    const b = { route: 'r1', llm_model: 'gpt-4o-mini' };
    const keyA = gauge.keyFor(a);
    expect(gauge.keyFor({ ...a })).toBe(keyA);
    expect(gauge.keyFor(b)).not.toBe(keyA);
    gauge.add(keyA, () => a, 1);
    gauge.add(keyA, () => a, 1);
    gauge.add(gauge.keyFor(b), () => b, 1);
    gauge.add(keyA, () => a, -1);
    gauge.add(gauge.keyFor(b), () => b, -1);
    expect((await gauge.get()).values).toEqual([
      { labels: a, value: 1 },
      { labels: b, value: 0 },
    ]);
    gauge.add(keyA, () => a, 4);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE test_llm_active_connections gauge');
    expect(text).toContain('test_llm_active_connections{route="r1",llm_model="gpt-4o"} 5');
    expect(text).toContain('test_llm_active_connections{route="r1",llm_model="gpt-4o-mini"} 0');
  });
});
