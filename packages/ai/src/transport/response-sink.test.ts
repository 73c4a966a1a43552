import type { Dispatcher } from 'undici';
import type { AiUpstreamResponse } from './http';
import { readBodyUpTo } from './read-body';
import { ResponseSink } from './response-sink';

/** A stand-in for undici's controller: records pause, resume and abort. */
function controller() {
  const calls: string[] = [];
  let paused = false;
  let aborted: Error | null = null;
  const c: Dispatcher.DispatchController = {
    get aborted() {
      return aborted !== null;
    },
    get paused() {
      return paused;
    },
    get reason() {
      return aborted;
    },
    abort(reason) {
      aborted = reason;
      calls.push(`abort:${reason.name}`);
    },
    pause() {
      paused = true;
      calls.push('pause');
    },
    resume() {
      paused = false;
      calls.push('resume');
    },
  };
  return { c, calls };
}

const chunk = (i: number) => Buffer.from(`chunk ${i};`);

function sink(done: string[] = []) {
  return new ResponseSink(
    () => done.push('done'),
    (err) => new Error(`typed: ${err.message}`),
  );
}

describe('ResponseSink', () => {
  it('resolves the head, then yields the chunks in order and ends', async () => {
    const done: string[] = [];
    const s = sink(done);
    const { c } = controller();
    s.onRequestStart(c);
    s.onResponseStart(c, 201, { 'content-type': 'text/plain' });
    await expect(s.head).resolves.toEqual({
      statusCode: 201,
      headers: { 'content-type': 'text/plain' },
    });
    s.onResponseData(c, chunk(1));
    const read = (async () => {
      const got: string[] = [];
      for await (const b of s) got.push(b.toString());
      return got;
    })();
    s.onResponseData(c, chunk(2));
    s.onResponseEnd();
    await expect(read).resolves.toEqual(['chunk 1;', 'chunk 2;']);
    expect(done).toEqual(['done']);
  });

  it('pauses the socket at 16 queued chunks and resumes once the consumer took them', async () => {
    const s = sink();
    const { c, calls } = controller();
    s.onRequestStart(c);
    s.onResponseStart(c, 200, {});
    for (let i = 0; i < 16; i++) s.onResponseData(c, chunk(i));
    expect(calls).toEqual(['pause']);
    const it = s[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.toString()).toBe(
      Array.from({ length: 16 }, (_, i) => `chunk ${i};`).join(''),
    );
    expect(calls).toEqual(['pause', 'resume']);
    s.onResponseEnd();
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('hands over fewer than 8 queued chunks one by one, and 8 or more as one buffer', async () => {
    const s = sink();
    const { c } = controller();
    s.onRequestStart(c);
    s.onResponseStart(c, 200, {});
    for (let i = 0; i < 7; i++) s.onResponseData(c, chunk(i));
    const it = s[Symbol.asyncIterator]();
    expect((await it.next()).value?.toString()).toBe('chunk 0;');
    for (let i = 7; i < 14; i++) s.onResponseData(c, chunk(i));
    // 6 left and 7 more: 13 queued, taken together in order.
    expect((await it.next()).value?.toString()).toBe(
      Array.from({ length: 13 }, (_, i) => `chunk ${i + 1};`).join(''),
    );
    s.onResponseData(c, chunk(14));
    s.onResponseEnd();
    expect((await it.next()).value?.toString()).toBe('chunk 14;');
    expect((await it.next()).done).toBe(true);
  });

  it('an error before the head rejects the head with it as it is', async () => {
    const done: string[] = [];
    const s = sink(done);
    const { c } = controller();
    s.onRequestStart(c);
    const refused = new Error('connect ECONNREFUSED');
    s.onResponseError(c, refused);
    await expect(s.head).rejects.toBe(refused);
    expect(done).toEqual(['done']);
  });

  it('an error after the head ends the iteration with the typed error', async () => {
    const s = sink();
    const { c } = controller();
    s.onRequestStart(c);
    s.onResponseStart(c, 200, {});
    s.onResponseData(c, chunk(1));
    s.onResponseError(c, new Error('other side closed'));
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const b of s) got.push(b.toString());
      })(),
    ).rejects.toThrow('typed: other side closed');
    expect(got).toEqual(['chunk 1;']);
  });

  it('leaving the iteration early aborts the exchange; a finished one is not aborted', async () => {
    const s = sink();
    const { c, calls } = controller();
    s.onRequestStart(c);
    s.onResponseStart(c, 200, {});
    s.onResponseData(c, chunk(1));
    s.onResponseData(c, chunk(2));
    for await (const b of s) {
      expect(b.toString()).toBe('chunk 1;');
      break;
    }
    expect(calls).toEqual(['abort:AbortError']);

    const finished = sink();
    const second = controller();
    finished.onRequestStart(second.c);
    finished.onResponseStart(second.c, 200, {});
    finished.onResponseEnd();
    for await (const b of finished) throw new Error(`unexpected ${b.toString()}`);
    finished.abort(new Error('late'));
    expect(second.calls).toEqual([]);
  });

  it('an abort before undici handed over its controller is applied when it does', () => {
    const s = sink();
    s.abort(new DOMException('This operation was aborted', 'AbortError'));
    const { c, calls } = controller();
    s.onRequestStart(c);
    expect(calls).toEqual(['abort:AbortError']);
  });

  it('is read once', async () => {
    const s = sink();
    const { c } = controller();
    s.onRequestStart(c);
    s.onResponseStart(c, 200, {});
    s.onResponseEnd();
    for await (const b of s) throw new Error(`unexpected ${b.toString()}`);
    await expect(s[Symbol.asyncIterator]().next()).rejects.toThrow('read once');
  });
});

describe('ResponseSink.collect and readBodyUpTo', () => {
  /** A sink past its head, as AiTransport.send hands it over. */
  function started() {
    const s = sink();
    const ctl = controller();
    s.onRequestStart(ctl.c);
    s.onResponseStart(ctl.c, 200, {});
    return { s, ...ctl };
  }

  const response = (body: AsyncIterable<Buffer>, aborted: string[]): AiUpstreamResponse => ({
    status: 200,
    headers: {},
    body,
    abort: () => aborted.push('abort'),
    receivedAt: Date.now(),
    ttfbMs: 1,
  });

  it('collects chunks that arrived before and after it was asked, resuming a paused socket', async () => {
    const { s, c, calls } = started();
    for (let i = 0; i < 16; i++) s.onResponseData(c, chunk(i));
    const whole = s.collect(undefined);
    expect(whole).toBeInstanceOf(Promise); // the end has not arrived yet
    expect(calls).toEqual(['pause', 'resume']);
    s.onResponseData(c, chunk(16));
    s.onResponseEnd();
    const expected = Array.from({ length: 17 }, (_, i) => `chunk ${i};`).join('');
    await expect(whole).resolves.toEqual(Buffer.from(expected));
    await expect(s.collect(undefined)).rejects.toThrow('read once');
  });

  it('answers at once, without a promise, when the body had arrived whole', () => {
    const { s, c } = started();
    s.onResponseData(c, chunk(1));
    s.onResponseData(c, chunk(2));
    s.onResponseEnd();
    expect(s.collect(100)).toEqual(Buffer.from('chunk 1;chunk 2;'));
  });

  it('stops past the limit, aborting the exchange, and ends with the typed error of a failed body', async () => {
    const over = started();
    over.s.onResponseData(over.c, Buffer.alloc(6));
    over.s.onResponseData(over.c, Buffer.alloc(6));
    expect(over.s.collect(10)).toBeUndefined();
    expect(over.calls).toEqual(['abort:AbortError']);

    const failed = started();
    failed.s.onResponseData(failed.c, chunk(1));
    const whole = failed.s.collect(100);
    failed.s.onResponseError(failed.c, new Error('other side closed'));
    await expect(whole).rejects.toThrow('typed: other side closed');
  });

  it('readBodyUpTo reads a sink or any other body alike, aborting past the limit', async () => {
    const aborted: string[] = [];
    const { s, c } = started();
    s.onResponseData(c, chunk(1));
    s.onResponseData(c, chunk(2));
    s.onResponseEnd();
    expect(readBodyUpTo(response(s, aborted), 100)).toEqual(Buffer.from('chunk 1;chunk 2;'));
    async function* other() {
      yield chunk(3);
      await new Promise((r) => setImmediate(r));
      yield chunk(4);
    }
    await expect(readBodyUpTo(response(other(), aborted), undefined)).resolves.toEqual(
      Buffer.from('chunk 3;chunk 4;'),
    );
    expect(aborted).toEqual([]);
    await expect(readBodyUpTo(response(other(), aborted), 10)).resolves.toBeUndefined();
    expect(aborted).toEqual(['abort']);
    // A sink aborts its own exchange (the controller's abort) past the limit.
    const big = started();
    big.s.onResponseData(big.c, Buffer.alloc(11));
    expect(readBodyUpTo(response(big.s, aborted), 10)).toBeUndefined();
    expect(big.calls).toEqual(['abort:AbortError']);
  });
});
