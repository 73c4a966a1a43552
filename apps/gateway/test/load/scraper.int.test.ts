// The primary's scraper against real endpoints on loopback: a mock LLM's capacity model (its
// vLLM gauges follow the requests it holds), and misbehaving endpoints (too large, too slow,
// failing) that must be bounded, never overlapped, and logged once a minute at most.
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScrapedLoad } from '@tollgate/core';
import { startMockLlm } from '@tollgate/mock-llm';
import { waitFor } from '@tollgate/testkit';
import { InstanceScraper } from '../../src/load/scraper';

jest.setTimeout(30_000);

interface Harness {
  scraper: InstanceScraper;
  latest: Map<string, ScrapedLoad>;
  rounds: [string, ScrapedLoad][][];
  warnings: unknown[];
}

function harness(): Harness {
  const latest = new Map<string, ScrapedLoad>();
  const rounds: [string, ScrapedLoad][][] = [];
  const warnings: unknown[] = [];
  const scraper = new InstanceScraper({
    logger: { warn: (msg, meta) => warnings.push({ msg, meta }) },
    onRound: (readings, gone) => {
      rounds.push(readings);
      for (const [url, load] of readings) latest.set(url, load);
      for (const url of gone) latest.delete(url);
    },
  });
  return { scraper, latest, rounds, warnings };
}

async function serve(
  handler: http.RequestListener,
): Promise<{ url: string; server: http.Server; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    server,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const statusOf = (h: Harness, url: string) => h.scraper.status().find((s) => s.url === url);

it("follows a mock LLM's queue as requests wait for its one slot", async () => {
  const mock = await startMockLlm({
    name: 'gpu',
    capacity: { slots: 1, ttftMs: 20_000, tokensPerSecond: 10, batchSlowdown: 0 },
  });
  const h = harness();
  const controller = new AbortController();
  try {
    const url = `${mock.url}/metrics`;
    h.scraper.update(new Map([[url, 200]]));
    await waitFor('an idle reading', () => h.latest.get(url)?.waiting === 0);
    const chat = () =>
      fetch(`${mock.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
        signal: controller.signal,
      }).catch(() => undefined);
    void chat();
    void chat();
    void chat();
    const busy = await waitFor('1 running, 2 waiting', () => {
      const load = h.latest.get(url);
      return load?.running === 1 && load.waiting === 2 && load;
    });
    expect(busy.kvCacheUsage).toBeGreaterThan(0);
    expect(statusOf(h, url)?.failures).toBe(0);
  } finally {
    controller.abort();
    await h.scraper.close();
    await mock.close();
  }
});

it('refuses an answer over 1 MiB, times out a slow one, never overlaps, and logs once', async () => {
  let slowHits = 0;
  const huge = await serve((_req, res) => {
    res.write('vllm:num_requests_waiting 1\n');
    res.end(`# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  });
  const slow = await serve(() => {
    slowHits++;
    // Never answers: the scraper's deadline (min(interval, 1 s) = 50 ms) must end it. (The huge
    // answer gets 500 ms, so that reading 1 MiB is not cut by a deadline on a loaded machine.)
  });
  // Overlap is counted where the scraper sends, through undici's diagnostics channels: the
  // server learns that an aborted request's socket closed only some time after the abort, so
  // on a loaded machine it can see the next scrape arrive first.
  const slowOrigin = new URL(slow.url).origin;
  const open = new Set<object>();
  let maxConcurrent = 0;
  const onCreate = (message: unknown) => {
    const { request } = message as { request: { origin?: unknown } };
    if (String(request.origin) !== slowOrigin) return;
    open.add(request);
    maxConcurrent = Math.max(maxConcurrent, open.size);
  };
  const onDone = (message: unknown) => open.delete((message as { request: object }).request);
  diagnostics.subscribe('undici:request:create', onCreate);
  diagnostics.subscribe('undici:request:error', onDone);
  diagnostics.subscribe('undici:request:trailers', onDone);
  const h = harness();
  try {
    h.scraper.update(
      new Map([
        [huge.url, 500],
        [slow.url, 50],
      ]),
    );
    await waitFor('3 failures each', () =>
      [huge.url, slow.url].every((url) => (statusOf(h, url)?.failures ?? 0) >= 3),
    );
    expect(statusOf(h, huge.url)?.lastError).toMatch(/over 1048576 bytes/);
    expect(statusOf(h, slow.url)?.lastError).toBe('timed out');
    expect(h.latest.size).toBe(0);
    expect(slowHits).toBeGreaterThanOrEqual(3);
    expect(maxConcurrent).toBe(1);
    // One warning per endpoint, however many failures within the minute.
    expect(h.warnings).toHaveLength(2);
    expect(JSON.stringify(h.warnings)).not.toContain('xxxx');
  } finally {
    diagnostics.unsubscribe('undici:request:create', onCreate);
    diagnostics.unsubscribe('undici:request:error', onDone);
    diagnostics.unsubscribe('undici:request:trailers', onDone);
    await h.scraper.close();
    await huge.close();
    await slow.close();
  }
});

it('keeps the last reading of an endpoint that starts failing, and sends rounds only on news', async () => {
  // Exactly one healthy answer: a flag flipped by the test after it sees the reading would race
  // a scrape the server has already answered healthily but the scraper has not yet read.
  let healthyAnswers = 1;
  const endpoint = await serve((_req, res) => {
    if (healthyAnswers === 0) {
      res.statusCode = 503;
      res.end('busy');
      return;
    }
    healthyAnswers -= 1;
    res.end('sglang:num_queue_reqs 3\nsglang:num_running_reqs 5\nsglang:token_usage 0.5\n');
  });
  const h = harness();
  try {
    h.scraper.update(new Map([[endpoint.url, 30]]));
    const first = await waitFor('a reading', () => h.latest.get(endpoint.url));
    expect(first).toMatchObject({ waiting: 3, running: 5, kvCacheUsage: 0.5 });
    await waitFor('2 failures', () => (statusOf(h, endpoint.url)?.failures ?? 0) >= 2);
    const rounds = h.rounds.length;
    await waitFor('2 more failures', () => (statusOf(h, endpoint.url)?.failures ?? 0) >= 4);
    expect(h.rounds.length).toBe(rounds); // failures send nothing to the workers
    expect(statusOf(h, endpoint.url)).toMatchObject({
      reading: first,
      lastError: 'HTTP 503',
    });
  } finally {
    await h.scraper.close();
    await endpoint.close();
  }
});
