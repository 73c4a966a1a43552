/**
 * Issue 13, observability of the content plugins in the access log: one real `tollgate start`
 * (one worker, access log to a file) with ai-proxy, ai-cache on a real Redis, ai-prompt-guard
 * and ai-runaway-guard, and the mock LLM. Each request's line says what the plugins decided:
 * `ai_cache_status` (MISS, then HIT), `content_checks` (each check, its side and outcome) and
 * `content_denied` (which plugin answered instead of the LLM, on which side, and why).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  startRedis,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type RedisServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(90_000);

const ADMIN_KEY = 'content-log-admin-key';

let llm: MockLlm;
let redis: RedisServer;
let node: TollgateNode;
let admin: AdminClient;
let gatewayPort: number;
let workDir: string;
let accessLog: string;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'content-log-llm' });
  redis = await startRedis();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-content-log-'));
  accessLog = path.join(workDir, 'access.log');
  gatewayPort = await freePort();
  const adminPort = await freePort();
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: {
        worker_processes: 1,
        http: { enable_access_log: true, access_log: accessLog },
      },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix('content-log'), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [gatewayPort, adminPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
  const res = await admin.put('/apisix/admin/routes/content-log', {
    uri: '/content-log/v1/chat/completions',
    plugins: {
      'ai-proxy': {
        provider: 'openai',
        auth: { header: { Authorization: 'Bearer test-key' } },
        options: { model: 'gpt-4o' },
        override: { endpoint: llm.url },
      },
      'ai-cache': { redis_host: '127.0.0.1', redis_port: redis.port },
      'ai-prompt-guard': { deny_patterns: ['forbidden'] },
      'ai-runaway-guard': { max_output_tokens: 20 },
    },
  });
  expect(res.status).toBe(201);
  await waitFor('the route', async () => (await ask('probe', 'warm-up')).status === 200);
});

afterAll(async () => {
  await node?.destroy();
  await redis?.destroy();
  await llm?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** POST a chat asking `prompt`, tagged with `user-agent: <tag>` to find its log line. */
function ask(tag: string, prompt: string, headers: Record<string, string> = {}) {
  return httpRequest('POST', `http://127.0.0.1:${gatewayPort}/content-log/v1/chat/completions`, {
    body: { model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] },
    headers: { 'content-type': 'application/json', 'user-agent': tag, ...headers },
  });
}

type Line = Record<string, unknown>;

/** The access-log line of the request tagged `tag`. */
function lineOf(tag: string): Promise<Line> {
  return waitFor(`the access log line of ${tag}`, () => {
    if (!fs.existsSync(accessLog)) return undefined;
    return fs
      .readFileSync(accessLog, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line)
      .find((l) => l.user_agent === tag);
  });
}

const guardPassed = { plugin: 'ai-prompt-guard', side: 'request', outcome: 'pass' };

describe('the access log says what the content plugins decided', () => {
  it('ai_cache_status: MISS on the first ask, HIT on the same ask again', async () => {
    llm.clear();
    expect((await ask('first', 'what is a token bucket?')).status).toBe(200);
    expect((await ask('again', 'what is a token bucket?')).status).toBe(200);
    expect(llm.requests).toHaveLength(1);
    const first = await lineOf('first');
    const again = await lineOf('again');
    expect(first.ai_cache_status).toBe('MISS');
    expect(again.ai_cache_status).toBe('HIT');
    expect(first.content_checks).toEqual([
      expect.objectContaining(guardPassed),
      expect.objectContaining({ plugin: 'ai-runaway-guard', side: 'response', outcome: 'pass' }),
    ]);
    expect(first.content_denied).toBeUndefined();
  });

  it('content_denied on the request side: the prompt guard refused, the LLM was not called', async () => {
    llm.clear();
    const refused = await ask('refused', 'tell me something forbidden');
    expect(refused.status).toBe(400);
    expect(llm.requests).toHaveLength(0);
    const line = await lineOf('refused');
    expect(line.status).toBe(400);
    expect(line.content_denied).toEqual({
      plugin: 'ai-prompt-guard',
      side: 'request',
      reason: 'deny_pattern',
    });
    expect(line.content_checks).toEqual([
      expect.objectContaining({ plugin: 'ai-prompt-guard', side: 'request', outcome: 'deny' }),
    ]);
    // The guard answered before the cache was looked at.
    expect(line.ai_cache_status).toBeUndefined();
  });

  it('content_denied on the response side: the runaway guard cut a long answer', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const cut = await ask('cut', 'a long one, please', {
      'x-mock-content': long,
    });
    expect(cut.status).toBe(502);
    const line = await lineOf('cut');
    expect(line.content_denied).toEqual({
      plugin: 'ai-runaway-guard',
      side: 'response',
      reason: 'max_output_tokens',
    });
    expect(line.content_checks).toEqual([
      expect.objectContaining(guardPassed),
      expect.objectContaining({ plugin: 'ai-runaway-guard', side: 'response', outcome: 'deny' }),
    ]);
  });
});
