/**
 * proxy-rewrite through a real `tollgate start` on the suite's etcd, configured through the Admin
 * API: APISIX's t/plugin/proxy-rewrite*.t cases that define behaviour (schema and check errors,
 * uri with and without the client's query, variables, regex_uri pairs, host, method, headers in
 * both forms, use_real_request_uri_unsafe). The echo upstream shows what was sent.
 */
import {
  httpRequest,
  waitFor,
  type AdminClient,
  type Echo,
  type EchoServer,
  type HttpReply,
} from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';

jest.setTimeout(60_000);

const nodes = usePluginNodes({ name: 'proxy-rewrite', nodes: 1, workers: 1 });
let admin: AdminClient;
let echo: EchoServer;
let gatewayPort: number;
let llm: MockLlm;

beforeAll(() => {
  ({ admin, echo } = nodes);
  gatewayPort = nodes.ports[0] ?? 0;
});

beforeAll(async () => {
  llm = await startMockLlm({ name: 'openai', apiKeys: ['token'] });
});

afterAll(async () => {
  await llm?.close();
});

const { get } = nodes;

/** PUT route `id` at `uri` with `plugins`, then wait until the gateway serves it. */
async function route(id: string, uri: string, plugins: Record<string, unknown>): Promise<void> {
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins,
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  expect(res.status).toBeLessThan(300);
  await waitFor(`route ${id}`, async () => (await get(uri)).status === 200);
}

function upstreamSaw(reply: HttpReply): Echo {
  return reply.json as Echo;
}
async function putConf(conf: unknown): Promise<HttpReply> {
  return admin.put('/apisix/admin/routes/pr-schema', {
    uri: '/pr-schema',
    plugins: { 'proxy-rewrite': conf },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
}

function errorOf(reply: HttpReply): string {
  return (reply.json as { error_msg: string }).error_msg;
}

/** Route `id` at `uri` and the upstream's view of `GET path` once it is served. */
async function sent(
  id: string,
  uri: string,
  conf: Record<string, unknown>,
  path: string,
  headers: Record<string, string> = {},
): Promise<Echo> {
  await route(id, uri, { 'proxy-rewrite': conf });
  return upstreamSaw(await get(path, headers));
}

describe('proxy-rewrite (APISIX t/plugin/proxy-rewrite*.t)', () => {
  it('schema: accepts APISIX configurations', async () => {
    for (const ok of [
      { uri: '/apisix/home', host: 'apisix.iresty.com' },
      { regex_uri: ['^/test/(.*)', '/$1', '^/(.*)', '/x/$1'] },
      { host: 'test.com:6443', method: 'PATCH' },
      { headers: { 'X-Api': 'v2', 'X-N': 1 } },
      { headers: { add: { 'X-A': 'a' }, set: { 'X-S': '$remote_addr' }, remove: ['X-R'] } },
      { use_real_request_uri_unsafe: true },
    ]) {
      expect((await putConf(ok)).status).toBeLessThan(300);
    }
  });

  it('schema: refuses what APISIX refuses, with its messages', async () => {
    const prefix = 'failed to check the configuration of plugin proxy-rewrite err: ';
    for (const bad of [
      { uri: 'no/slash' },
      { uri: '' },
      { host: 'a.com/' },
      { method: 'GETS' },
      { regex_uri: ['^/only-one'] },
      { headers: {} },
      { headers: { 'X-A': { nested: 1 } } },
      { headers: { set: {} } },
      { headers: { remove: [] } },
    ]) {
      const res = await putConf(bad);
      expect(res.status).toBe(400);
      expect(errorOf(res).startsWith(prefix)).toBe(true);
    }
    expect(errorOf(await putConf({ regex_uri: ['^/a', '/b', '^/c'] }))).toBe(
      `${prefix}The length of regex_uri should be an even number`,
    );
    expect(errorOf(await putConf({ regex_uri: ['^/a(', '/b'] }))).toMatch(
      /invalid regex_uri\(\^\/a\(, \/b\): /,
    );
    expect(errorOf(await putConf({ headers: { 'X-A b': 'v' } }))).toBe(
      `${prefix}invalid field character in header`,
    );
  });

  it('uri and host: rewritten, the client query kept', async () => {
    const saw = await sent(
      'pr-1',
      '/pr-1',
      { uri: '/test/add', host: 'apisix.iresty.com' },
      '/pr-1?a=1&b=2',
    );
    expect(saw.url).toBe('/test/add?a=1&b=2');
    expect(saw.headers.host).toBe('apisix.iresty.com');
    expect(saw.method).toBe('GET');
  });

  it('uri with variables and its own query string', async () => {
    const saw = await sent(
      'pr-2',
      '/pr-2',
      { uri: '/echo?from=$arg_name&u=${uri}' },
      '/pr-2?name=x',
    );
    expect(saw.url).toBe('/echo?from=x&u=/pr-2&name=x');
  });

  it('regex_uri: the first matching pair wins; no match keeps the URI', async () => {
    const conf = { regex_uri: ['^/nope/(.*)', '/n/$1', '^/pr-3/(.*)/(.*)/(.*)', '/$1_$2_$3'] };
    expect((await sent('pr-3', '/pr-3/*', conf, '/pr-3/a/b/c?x=1')).url).toBe('/a_b_c?x=1');
    expect(upstreamSaw(await get('/pr-3/a')).url).toBe('/pr-3/a');
  });

  it('method and headers (2.x object form): set', async () => {
    const saw = await sent(
      'pr-4',
      '/pr-4',
      { method: 'POST', headers: { 'X-Api-Version': 'v2', 'X-Real-Addr': '$remote_addr' } },
      '/pr-4',
      { 'X-Api-Version': 'v1' },
    );
    expect(saw.method).toBe('POST');
    expect(saw.headers['x-api-version']).toBe('v2');
    expect(saw.headers['x-real-addr']).toBe('127.0.0.1');
  });

  it('headers add/set/remove, with regex_uri captures in values', async () => {
    const saw = await sent(
      'pr-5',
      '/pr-5/*',
      {
        regex_uri: ['^/pr-5/(.*)', '/$1'],
        headers: {
          add: { 'X-Add': 'added' },
          set: { 'X-Captured': 'id-$1' },
          remove: ['X-Drop', 'User-Agent'],
        },
      },
      '/pr-5/42',
      { 'X-Add': 'client', 'X-Drop': 'gone', 'User-Agent': 'curl' },
    );
    expect(saw.url).toBe('/42');
    expect(saw.headers['x-add']).toBe('client, added');
    expect(saw.headers['x-captured']).toBe('id-42');
    expect(saw.headers['x-drop']).toBeUndefined();
    expect(saw.headers['user-agent']).toBeUndefined();
  });

  it('escapes the rewritten path; use_real_request_uri_unsafe sends the raw one', async () => {
    const escaped = await sent('pr-6', '/pr-6/*', { host: 'a.com' }, '/pr-6/a%20b%3Fc?q=1');
    expect(escaped.url).toBe('/pr-6/a%20b%3Fc?q=1');
    const raw = await sent(
      'pr-7',
      '/pr-7/*',
      { use_real_request_uri_unsafe: true },
      '/pr-7/a%2Fb?q=%20',
    );
    expect(raw.url).toBe('/pr-7/a%2Fb?q=%20');
  });

  it('on an ai-proxy route: the header changes reach the LLM, the URI and Host do not', async () => {
    const res = await admin.put('/apisix/admin/routes/pr-ai', {
      uri: '/pr-ai/chat',
      plugins: {
        'proxy-rewrite': {
          uri: '/elsewhere',
          host: 'rewritten.example',
          headers: { set: { 'X-Team': 'ml' }, remove: ['X-Drop'] },
        },
        'ai-proxy': {
          provider: 'openai',
          auth: { header: { Authorization: 'Bearer token' } },
          options: { model: 'gpt-4' },
          override: { endpoint: `${llm.url}/v1/chat/completions` },
        },
      },
    });
    expect(res.status).toBeLessThan(300);
    const chat = () =>
      httpRequest('POST', `http://127.0.0.1:${gatewayPort}/pr-ai/chat`, {
        body: { messages: [{ role: 'user', content: 'hello' }] },
        headers: { 'content-type': 'application/json', 'X-Drop': 'secret' },
      });
    const reply = await waitFor('the AI route', async () => {
      const r = await chat();
      return r.status === 200 ? r : undefined;
    });
    expect(reply.status).toBe(200);
    const seen = llm.requests.at(-1);
    expect(seen?.path).toBe('/v1/chat/completions');
    expect(seen?.headers['x-team']).toBe('ml');
    expect(seen?.headers['x-drop']).toBeUndefined();
    expect(seen?.headers.host).not.toBe('rewritten.example');
  });
});
