import { CapacityModel, type Clock, type Job, type JobSpec } from './capacity';
import { DEFAULT_CAPACITY } from './capacity-settings';
import type { Capacity } from './types';

/** A clock that moves only when told, firing timers at their due time (or late, with `jump`). */
class FakeClock implements Clock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = () => this.t;
  setTimer = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimer = (id: unknown) => {
    this.timers.delete(id as number);
  };
  /** Move to `t + ms`, firing each timer at its own time. */
  advance(ms: number): void {
    const target = this.t + ms;
    for (let fired = 0; fired < 100_000; fired++) {
      const next = [...this.timers].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > target) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = target;
  }
  /** Move to `t + ms` at once, then fire what is due: a timer that fires late. */
  jump(ms: number): void {
    this.t += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at > this.t) continue;
      this.timers.delete(id);
      timer.fn();
    }
  }
}

function admitted(job: Job | undefined): Job {
  if (!job) throw new Error('the job was refused');
  return job;
}

interface Trace {
  tokens: number[];
  done?: number;
}

function setup(settings: Partial<Capacity>) {
  const clock = new FakeClock();
  const model = new CapacityModel({ ...DEFAULT_CAPACITY, ...settings }, clock);
  const submit = (outputTokens: number, promptTokens = 0) => {
    const trace: Trace = { tokens: [] };
    const spec: JobSpec = {
      outputTokens,
      promptTokens,
      onToken: (index) => {
        expect(index).toBe(trace.tokens.length);
        trace.tokens.push(clock.t);
      },
      onDone: () => (trace.done = clock.t),
    };
    const job = model.submit(spec);
    return { trace, job };
  };
  return { clock, model, submit };
}

const SERIAL = { slots: 1, ttftMs: 100, tokensPerSecond: 10, batchSlowdown: 0 };

describe('capacity model', () => {
  it('serves in arrival order: TTFT = time in the queue + prefill', () => {
    const { clock, model, submit } = setup(SERIAL);
    const [a, b, c] = [submit(2), submit(2), submit(2)];
    expect(model.stats()).toMatchObject({ running: 1, waiting: 2, maxWaiting: 2 });
    clock.advance(1000);
    // Each takes 100 ms of prefill (first token) + 100 ms for the second token.
    expect(a.trace).toEqual({ tokens: [100, 200], done: 200 });
    expect(b.trace).toEqual({ tokens: [300, 400], done: 400 });
    expect(c.trace).toEqual({ tokens: [500, 600], done: 600 });
    expect(model.stats()).toMatchObject({ running: 0, waiting: 0, served: 3, maxWaiting: 2 });
  });

  it('decodes more slowly as the batch fills', () => {
    const settings = { slots: 4, ttftMs: 0, tokensPerSecond: 100, batchSlowdown: 0.5 };
    const alone = setup(settings);
    const one = alone.submit(11);
    alone.clock.advance(1000);
    // First token at once, then 10 tokens at 10 ms.
    expect(one.trace.done).toBeCloseTo(100, 0);

    const shared = setup(settings);
    const [x, y] = [shared.submit(11), shared.submit(11)];
    shared.clock.advance(1000);
    // Two in the batch: 100 / (1 + 0.5) tokens/s, 15 ms a token.
    expect(x.trace.done).toBeCloseTo(150, 0);
    expect(y.trace.done).toBeCloseTo(150, 0);
  });

  it('speeds up again when the batch empties', () => {
    const { clock, submit } = setup({
      slots: 4,
      ttftMs: 0,
      tokensPerSecond: 100,
      batchSlowdown: 1,
    });
    const short = submit(3); // 2 tokens at 20 ms while both run: done at 40
    const long = submit(7);
    clock.advance(1000);
    expect(short.trace.done).toBeCloseTo(40, 0);
    // 2 tokens by 40 ms, then 4 more at 10 ms alone.
    expect(long.trace.done).toBeCloseTo(80, 0);
  });

  it('applies a slowdown to the tokens still to come, and to prefill', () => {
    const { clock, model, submit } = setup({ ...SERIAL, ttftMs: 0, tokensPerSecond: 100 });
    const job = submit(21);
    clock.advance(100); // token 0 at 0, tokens 1-10 by 100 ms
    expect(job.trace.tokens).toHaveLength(11);
    model.update({ ...model.current, slowdown: 5 });
    clock.advance(1000);
    // The last 10 tokens at 50 ms each.
    expect(job.trace.done).toBeCloseTo(600, 0);

    const slowed = setup({ ...SERIAL, slowdown: 2 });
    const first = slowed.submit(1);
    slowed.clock.advance(1000);
    expect(first.trace.tokens).toEqual([200]);
  });

  it('refuses beyond maxQueue and counts it', () => {
    const { model, submit } = setup({ ...SERIAL, maxQueue: 1 });
    expect(submit(1).job).toBeDefined();
    expect(submit(1).job).toBeDefined();
    expect(submit(1).job).toBeUndefined();
    expect(model.stats()).toMatchObject({ running: 1, waiting: 1, refused: 1 });

    const none = setup({ ...SERIAL, maxQueue: 0 });
    expect(none.submit(1).job).toBeDefined();
    expect(none.submit(1).job).toBeUndefined();
  });

  it('frees the place of a request whose client went away', () => {
    const { clock, model, submit } = setup(SERIAL);
    const a = submit(2);
    const b = submit(2);
    const c = submit(2);
    model.cancel(admitted(b.job));
    expect(model.stats()).toMatchObject({ waiting: 1, cancelled: 1 });
    clock.advance(150);
    model.cancel(admitted(a.job)); // running: c starts its prefill now
    clock.advance(1000);
    expect(a.trace.done).toBeUndefined();
    expect(b.trace.tokens).toEqual([]);
    expect(c.trace.tokens).toEqual([250, 350]);
    model.cancel(admitted(c.job)); // already done: nothing happens
    expect(model.stats()).toMatchObject({ served: 1, cancelled: 2, running: 0 });
  });

  it('emits every token that fell due during a late timer at once, without drift', () => {
    const { clock, submit } = setup({ ...SERIAL, ttftMs: 0, tokensPerSecond: 100 });
    const job = submit(20);
    clock.jump(55); // the timer set for 10 ms fires at 55 ms
    expect(job.trace.tokens).toEqual([0, 55, 55, 55, 55, 55]);
    clock.advance(1000);
    // Later tokens keep their own due times: the 20th at 190 ms, not pushed back by 45 ms.
    expect(job.trace.done).toBeCloseTo(190, 0);
  });

  it('reports KV-cache use as running / slots, or held tokens / kvTokens', () => {
    const bySlots = setup({ ...SERIAL, slots: 4 });
    bySlots.submit(5);
    expect(bySlots.model.stats().kvCacheUsage).toBe(0.25);

    const byTokens = setup({ ...SERIAL, slots: 4, kvTokens: 100 });
    byTokens.submit(5, 30);
    byTokens.submit(5, 40);
    expect(byTokens.model.stats().kvCacheUsage).toBeCloseTo(0.7);
    byTokens.clock.advance(100); // one token each
    expect(byTokens.model.stats().kvCacheUsage).toBeCloseTo(0.72);
  });

  it('holds a slot for the prefill only when no output is wanted (embeddings)', () => {
    const { clock, submit } = setup(SERIAL);
    const job = submit(0);
    clock.advance(1000);
    expect(job.trace).toEqual({ tokens: [], done: 100 });
  });

  it('admits from the queue when slots are added', () => {
    const { model, submit } = setup(SERIAL);
    submit(1);
    submit(1);
    model.update({ ...model.current, slots: 2 });
    expect(model.stats()).toMatchObject({ running: 2, waiting: 0 });
    model.resetStats();
    expect(model.stats()).toMatchObject({ served: 0, maxWaiting: 0 });
  });
});
