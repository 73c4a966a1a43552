/**
 * @module server
 * `startMockLlm`: an OpenAI/Anthropic-compatible fake LLM on `node:http`, for tests and the quick
 * start. Endpoints, behaviour knobs and fixtures are described in `docs/mock-llm.md`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_BEHAVIOUR, mergeBehaviour, parseBehaviour } from './behaviour';
import { CapacityModel } from './capacity';
import { DEFAULT_CAPACITY, parseCapacity } from './capacity-settings';
import { FIXTURES_DIR } from './fixtures';
import { createHandler } from './handler';
import { applyCapacity, capacityReport, type MockState } from './state';
import type { Behaviour, Capacity, MockLlm, MockLlmOptions } from './types';

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Start a mock LLM and wait until it listens.
 * @example
 * const llm = await startMockLlm({ name: 'a', apiKeys: ['sk-test'] });
 * // POST `${llm.url}/v1/chat/completions` → "Hello from a: …"
 * llm.setBehaviour({ status: 429, retryAfter: 1 });
 * expect(llm.requests[0]?.headers.authorization).toBe('Bearer sk-test');
 * await llm.close();
 */
export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const host = options.host ?? '127.0.0.1';
  const baseBehaviour = mergeBehaviour(
    { ...DEFAULT_BEHAVIOUR },
    parseBehaviour(options.behaviour ?? {}),
  );
  const state: MockState = {
    name: options.name ?? 'mock-llm',
    apiKeys: options.apiKeys,
    aws: options.aws,
    gcp: options.gcp,
    issuedTokens: new Map(),
    fixtureDirs: options.fixturesDir ? [options.fixturesDir, FIXTURES_DIR] : [FIXTURES_DIR],
    baseBehaviour,
    behaviour: baseBehaviour,
    records: [],
    maxRecorded: options.maxRecorded ?? 10_000,
    nextId: 1,
    running: 0,
    requestsTotal: 0,
    capacity: options.capacity
      ? new CapacityModel({ ...DEFAULT_CAPACITY, ...parseCapacity(options.capacity) })
      : undefined,
    live: new Set(),
  };
  const server = http.createServer(createHandler(state));
  let port = options.port ?? 0;
  let listening = false;
  let closed = false;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        listening = true;
        resolve();
      });
    });

  const stop = async () => {
    if (!listening) return;
    listening = false;
    const live = [...state.live];
    for (const ex of live) ex.drop();
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    // Records are final (closedAt, aborted) once stop() resolves.
    await Promise.all([done, ...live.map((ex) => ex.untilClosed())]);
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get url() {
      return urlOf(host, port);
    },
    name: state.name,
    get requests() {
      return state.records;
    },
    get behaviour() {
      return state.behaviour;
    },
    clear() {
      state.records.length = 0;
    },
    setBehaviour(b: Partial<Behaviour>) {
      state.behaviour = mergeBehaviour(state.behaviour, parseBehaviour(b));
    },
    resetBehaviour() {
      state.behaviour = state.baseBehaviour;
    },
    get capacity() {
      return capacityReport(state);
    },
    setCapacity(patch: Partial<Capacity>) {
      applyCapacity(state, parseCapacity(patch));
    },
    resetCapacityStats() {
      state.capacity?.resetStats();
    },
    stop,
    async start() {
      if (closed) throw new Error('mock-llm: start() after close()');
      if (!listening) await listen();
    },
    async close() {
      closed = true;
      await stop();
      state.capacity?.dispose();
    },
  };
}
