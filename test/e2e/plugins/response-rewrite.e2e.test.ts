/**
 * response-rewrite through a real `tollgate start` on the suite's etcd, configured through the
 * Admin API: APISIX's t/plugin/response-rewrite*.t cases that define behaviour (schema and check
 * errors, status and body, base64 body, headers in both forms with variables, `vars` on the
 * response status, regex `filters`, a gateway error page rewritten).
 */
import {
  freePort,
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

const nodes = usePluginNodes({ name: 'response-rewrite', nodes: 1, workers: 1 });
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

async function putConf(conf: unknown): Promise<HttpReply> {
  return admin.put('/apisix/admin/routes/rr-schema', {
    uri: '/rr-schema',
    plugins: { 'response-rewrite': conf },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
}

function errorOf(reply: HttpReply): string {
  return (reply.json as { error_msg: string }).error_msg;
}

/** PUT route `id` and wait until it answers with `status`. */
async function routeAnswering(
  id: string,
  uri: string,
  plugins: Record<string, unknown>,
  status: number,
  upstreamPort = echo.port,
): Promise<void> {
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins,
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${upstreamPort}`]: 1 } },
  });
  expect(res.status).toBeLessThan(300);
  await waitFor(`route ${id}`, async () => (await get(uri)).status === status);
}

describe('response-rewrite (APISIX t/plugin/response-rewrite*.t)', () => {
  const prefix = 'failed to check the configuration of plugin response-rewrite err: ';

  it('schema: accepts APISIX configurations', async () => {
    for (const ok of [
      { body: 'new body', status_code: 200 },
      { body: 'SGVsbG8K', body_base64: true },
      { headers: { 'X-Server-id': 3, 'X-Server-status': 'on' } },
      { headers: { add: ['X-A: b'], set: { 'X-S': '$remote_addr' }, remove: ['X-R'] } },
      {
        filters: [{ regex: 'hello', replace: 'world', scope: 'global' }],
        vars: [['status', '==', 200]],
      },
    ]) {
      expect((await putConf(ok)).status).toBeLessThan(300);
    }
  });

  it('schema: refuses what APISIX refuses, with its messages', async () => {
    for (const bad of [
      { status_code: 199 },
      { status_code: 599 },
      { body: 'a', filters: [{ regex: 'a', replace: 'b' }] },
      { filters: [] },
      { filters: [{ regex: '', replace: 'b' }] },
      { filters: [{ regex: 'a' }] },
      { filters: [{ regex: 'a', replace: 'b', scope: 'twice' }] },
      { headers: { add: ['no-colon'] } },
      { body_base64: 'yes' },
    ]) {
      const res = await putConf(bad);
      expect(res.status).toBe(400);
      expect(errorOf(res).startsWith(prefix)).toBe(true);
    }
    expect(errorOf(await putConf({ body: 'not base64!', body_base64: true }))).toBe(
      `${prefix}invalid base64 content`,
    );
    expect(errorOf(await putConf({ vars: ['status'] }))).toMatch(
      /failed to validate the 'vars' expression: /,
    );
    expect(errorOf(await putConf({ filters: [{ regex: '(', replace: 'x' }] }))).toMatch(
      /regex "\(" validation failed: /,
    );
  });

  it('status_code, body and headers replace the upstream answer', async () => {
    await routeAnswering(
      'rr-1',
      '/rr-1',
      {
        'response-rewrite': {
          status_code: 201,
          body: '{"code":"ok","message":"new json body"}\n',
          headers: { 'X-Server-id': 3, 'X-Server-status': 'on', 'Content-Type': '' },
        },
      },
      201,
    );
    const reply = await get('/rr-1');
    expect(reply.text).toBe('{"code":"ok","message":"new json body"}\n');
    expect(reply.headers.get('x-server-id')).toBe('3');
    expect(reply.headers.get('x-server-status')).toBe('on');
  });

  it('body_base64 sends the decoded bytes', async () => {
    await routeAnswering(
      'rr-2',
      '/rr-2',
      { 'response-rewrite': { body: 'SGVsbG8K', body_base64: true } },
      200,
    );
    await waitFor('the base64 body', async () => (await get('/rr-2')).text === 'Hello\n');
  });

  it('headers add/set/remove with variables', async () => {
    await routeAnswering(
      'rr-3',
      '/rr-3',
      {
        'response-rewrite': {
          headers: {
            add: ['Set-Cookie: a=1', 'Set-Cookie: b=2'],
            set: { 'X-Client': '$remote_addr', 'X-Arg': '$arg_name' },
            remove: ['Content-Type'],
          },
        },
      },
      200,
    );
    const reply = await get('/rr-3?name=jack');
    expect(reply.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(reply.headers.get('x-client')).toBe('127.0.0.1');
    expect(reply.headers.get('x-arg')).toBe('jack');
    expect(reply.headers.get('content-type')).toBeNull();
    expect((reply.json as Echo).url).toBe('/rr-3?name=jack');
  });

  it('vars: only matching responses are rewritten (status of a gateway error page)', async () => {
    const closed = await freePort();
    await routeAnswering(
      'rr-4',
      '/rr-4',
      {
        'response-rewrite': {
          status_code: 200,
          body: '{"code":"ok"}\n',
          vars: [['status', '==', 502]],
        },
      },
      200,
      closed,
    );
    expect((await get('/rr-4')).text).toBe('{"code":"ok"}\n');
    await routeAnswering(
      'rr-5',
      '/rr-5',
      { 'response-rewrite': { status_code: 403, body: 'nope', vars: [['status', '==', 500]] } },
      200,
    );
    expect(reply200(await get('/rr-5')).url).toBe('/rr-5');
  });

  it('filters: regex replacements over the upstream body, once and global', async () => {
    await routeAnswering(
      'rr-6',
      '/rr-6',
      {
        'response-rewrite': {
          filters: [
            { regex: '"upstream"', replace: '"origin"', scope: 'global' },
            { regex: '/rr-(\\d)', replace: '/page-$1' },
          ],
        },
      },
      200,
    );
    const reply = await get('/rr-6');
    // Global: the echo's key and value both; once: the first `/rr-6` only (the url).
    const body = reply.json as Record<string, unknown>;
    expect(body.origin).toBe('origin');
    expect(body.upstream).toBeUndefined();
    expect(body.url).toBe('/page-6');
    expect(reply.headers.get('content-length')).toBeNull();
  });

  it('on an ai-proxy route: headers and filters apply to the LLM answer', async () => {
    const res = await admin.put('/apisix/admin/routes/rr-ai', {
      uri: '/rr-ai/chat',
      plugins: {
        'response-rewrite': {
          headers: { set: { 'X-Answered-By': 'tollgate' } },
          filters: [{ regex: '"model":"[^"]*"', replace: '"model":"hidden"', scope: 'global' }],
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
    const reply = await waitFor('the AI route', async () => {
      const r = await httpRequest('POST', `http://127.0.0.1:${gatewayPort}/rr-ai/chat`, {
        body: { messages: [{ role: 'user', content: 'hello' }] },
        headers: { 'content-type': 'application/json' },
      });
      return r.status === 200 ? r : undefined;
    });
    expect(reply.headers.get('x-answered-by')).toBe('tollgate');
    expect((reply.json as { model: string }).model).toBe('hidden');

    // A streamed answer is held until it is complete, then rewritten as a whole.
    const stream = await httpRequest('POST', `http://127.0.0.1:${gatewayPort}/rr-ai/chat`, {
      body: { messages: [{ role: 'user', content: 'hello' }], stream: true },
      headers: { 'content-type': 'application/json' },
    });
    expect(stream.status).toBe(200);
    expect(stream.text).toContain('data: ');
    expect(stream.text).toContain('"model":"hidden"');
    expect(stream.text).not.toContain('"model":"gpt-4"');
  });
});

function reply200(reply: HttpReply): Echo {
  expect(reply.status).toBe(200);
  return reply.json as Echo;
}
