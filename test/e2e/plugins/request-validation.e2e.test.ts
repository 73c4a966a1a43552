/**
 * request-validation through a real `tollgate start` on the suite's etcd, configured through the
 * Admin API: APISIX's t/plugin/request-validation.t cases that define behaviour (check_schema
 * accept/reject, header and body validation, rejected_code and rejected_msg, urlencoded forms,
 * duplicated Content-Type), plus an ai-proxy route that reads the same body after validation.
 */
import net from 'node:net';
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

const PREFIX = 'failed to check the configuration of plugin request-validation err: ';

const nodes = usePluginNodes({ name: 'request-validation', nodes: 1, workers: 1 });
let admin: AdminClient;
let echo: EchoServer;
let llm: MockLlm;
let gatewayPort: number;

beforeAll(async () => {
  ({ admin, echo } = nodes);
  gatewayPort = nodes.ports[0] ?? 0;
  llm = await startMockLlm({ name: 'openai', apiKeys: ['token'] });
});

afterAll(async () => {
  await llm?.close();
});

const upstream = () => ({ type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } });

function putConf(conf: unknown): Promise<HttpReply> {
  return admin.put('/apisix/admin/routes/rv-schema', {
    uri: '/rv-schema',
    plugins: { 'request-validation': conf },
    upstream: upstream(),
  });
}

function errorOf(reply: HttpReply): string {
  return (reply.json as { error_msg: string }).error_msg;
}

/** PUT route `id` at `uri` with `conf`, then wait until a request with `probe` is validated. */
async function route(id: string, uri: string, conf: unknown): Promise<void> {
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins: { 'request-validation': conf },
    upstream: upstream(),
  });
  expect(res.status).toBeLessThan(300);
  await waitFor(`route ${id}`, async () => (await send('GET', uri)).status !== 404);
}

function send(
  method: string,
  uri: string,
  raw?: string,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  return httpRequest(method, `http://127.0.0.1:${gatewayPort}${uri}`, { raw, headers });
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const TEST_ENUM = {
  type: 'object',
  properties: { test: { type: 'string', enum: ['a', 'b', 'c'] } },
  required: ['test'],
};
const PAYLOAD = {
  type: 'object',
  required: ['required_payload'],
  properties: {
    required_payload: { type: 'string' },
    boolean_payload: { type: 'boolean' },
    timeouts: { type: 'integer', minimum: 1, maximum: 254, default: 3 },
    req_headers: { type: 'array', minItems: 1, items: { type: 'string' } },
  },
};

/** One raw HTTP/1.1 request (for repeated headers); resolves to the status line and body. */
function rawRequest(head: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gatewayPort, '127.0.0.1', () => {
      socket.end(
        `${head}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(text.split(' ', 2)[1]), body: text.slice(split + 4) });
    });
  });
}

describe('request-validation (APISIX t/plugin/request-validation.t)', () => {
  it('TEST 1, 3, 6, 9-14, 19, 21-27, 32, 34: accepts APISIX configurations', async () => {
    for (const ok of [
      { body_schema: {} },
      { body_schema: PAYLOAD },
      { header_schema: PAYLOAD },
      { body_schema: { type: 'object' } },
      { body_schema: { type: 'array' } },
      { body_schema: { type: 'string' } },
      { body_schema: { type: 'number' } },
      { body_schema: { type: 'integer' } },
      { header_schema: { type: 'string', properties: { test: { type: 'string', enum: ['a'] } } } },
      { header_schema: TEST_ENUM },
      { body_schema: TEST_ENUM },
      { body_schema: { type: 'string', properties: { test: { type: 'string', enum: ['a'] } } } },
      ...['object', 'array', 'string', 'number', 'integer'].map((type) => ({
        header_schema: { type },
      })),
      { body_schema: TEST_ENUM, rejected_code: 505, rejected_msg: 'customize reject message' },
    ]) {
      const res = await putConf(ok);
      expect(res.status).toBeLessThan(300);
    }
  });

  it('TEST 2, 17, 18, 20, 30, 31, 33, 43, 44, 49, 50: refuses what APISIX refuses', async () => {
    for (const none of [{}, { rejected_msg: 'customize reject message' }, { rejected_code: 505 }]) {
      const res = await putConf(none);
      expect(res.status).toBe(400);
      expect(errorOf(res)).toContain('object matches none of the required');
    }
    for (const bad of [
      { body_schema: { type: 'test' } },
      { header_schema: { type: 'test' } },
      { body_schema: { type: 'string', properties: { test: { enum: 'test-enum' } } } },
      { body_schema: { type: 'object', required: 'test-required' } },
      { header_schema: { type: 'string', properties: { test: { enum: 'test-enum' } } } },
      { header_schema: { type: 'object', required: 'test-required' } },
      { body_schema: 'not an object' },
    ]) {
      const res = await putConf(bad);
      expect(res.status).toBe(400);
      expect(errorOf(res).startsWith(PREFIX)).toBe(true);
    }
    // TEST 15, 16, 28, 29 (Tollgate decision): Lua's `table` and `function` are no JSON types.
    for (const type of ['table', 'function']) {
      expect((await putConf({ body_schema: { type } })).status).toBe(400);
      expect((await putConf({ header_schema: { type } })).status).toBe(400);
    }
    const long = await putConf({ header_schema: TEST_ENUM, rejected_msg: 'x'.repeat(257) });
    expect(errorOf(long)).toContain('string too long');
    const code = await putConf({ header_schema: TEST_ENUM, rejected_code: 10000 });
    expect(errorOf(code)).toContain('expected 10000 to be at most 599');
  });

  it('TEST 4, 5: body_schema refuses a missing required property, passes a valid body', async () => {
    await route('rv-body', '/rv-body', { body_schema: PAYLOAD });
    const missing = await send('POST', '/rv-body', '{"boolean-payload": true}', JSON_TYPE);
    expect([missing.status, missing.text]).toEqual([
      400,
      'property "required_payload" is required',
    ]);
    const body = '{"boolean-payload": true,"required_payload": "hello"}';
    const ok = await send('POST', '/rv-body', body, JSON_TYPE);
    expect(ok.status).toBe(200);
    // The upstream gets the checked JSON, re-encoded with the schema's defaults (APISIX).
    expect(JSON.parse((ok.json as Echo).body)).toEqual({
      'boolean-payload': true,
      required_payload: 'hello',
      timeouts: 3,
    });
  });

  it('TEST 7, 8: header_schema refuses a missing header, passes when present', async () => {
    await route('rv-header', '/rv-header', { header_schema: PAYLOAD });
    const missing = await send('GET', '/rv-header', undefined, JSON_TYPE);
    expect([missing.status, missing.text]).toEqual([
      400,
      'property "required_payload" is required',
    ]);
    const ok = await send('GET', '/rv-header', undefined, {
      ...JSON_TYPE,
      required_payload: 'test payload',
    });
    expect(ok.status).toBe(200);
  });

  it('TEST 35-38: header_schema with a custom reject message', async () => {
    const msg = 'customize reject message for header_schema.required';
    await route('rv-hmsg', '/rv-hmsg', { header_schema: TEST_ENUM, rejected_msg: msg });
    const empty = await send('GET', '/rv-hmsg');
    expect([empty.status, empty.text]).toEqual([400, msg]);
    const bad = await send('GET', '/rv-hmsg', undefined, { test: 'abc' });
    expect([bad.status, bad.text]).toEqual([400, msg]);
    expect((await send('GET', '/rv-hmsg', undefined, { test: 'a' })).status).toBe(200);
  });

  it('TEST 39-42: body_schema with a custom reject message', async () => {
    const msg = 'customize reject message for body_schema.required';
    await route('rv-bmsg', '/rv-bmsg', { body_schema: TEST_ENUM, rejected_msg: msg });
    const empty = await send('GET', '/rv-bmsg');
    expect([empty.status, empty.text]).toEqual([400, msg]);
    const bad = await send('POST', '/rv-bmsg', '{"test":"abc"}');
    expect([bad.status, bad.text]).toEqual([400, msg]);
    expect((await send('POST', '/rv-bmsg', '{"test":"a"}')).status).toBe(200);
  });

  it('TEST 45-48: body_schema with a custom rejected code', async () => {
    await route('rv-code', '/rv-code', { body_schema: TEST_ENUM, rejected_code: 505 });
    expect((await send('GET', '/rv-code')).status).toBe(505);
    expect((await send('POST', '/rv-code', '{"test":"abc"}')).status).toBe(505);
    expect((await send('POST', '/rv-code', '{"test":"a"}')).status).toBe(200);
  });

  it('TEST 51-53: urlencoded bodies are validated as forms, any media type case', async () => {
    await route('rv-form', '/rv-form', {
      body_schema: {
        type: 'object',
        required: ['required_payload'],
        properties: { required_payload: { type: 'string' } },
      },
    });
    const form = 'a=b&'.repeat(101) + 'required_payload=101-hello';
    for (const type of [
      'application/x-www-form-urlencoded',
      'Application/X-WWW-Form-Urlencoded; charset=utf-8',
    ]) {
      const ok = await send('POST', '/rv-form', form, { 'Content-Type': type });
      expect(ok.status).toBe(200);
      expect((ok.json as Echo).body).toContain('101-hello');
    }
    const missing = await send('POST', '/rv-form', 'a=b', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(missing.status).toBe(400);
  });

  it('TEST 54-56: a duplicated Content-Type header is refused', async () => {
    await route('rv-dup', '/rv-dup', {
      body_schema: {
        type: 'object',
        required: ['required_payload'],
        properties: { required_payload: { type: 'string' } },
      },
      rejected_code: 400,
      rejected_msg: 'duplicated content-type',
    });
    for (const [first, second] of [
      ['application/x-www-form-urlencoded', 'application/json'],
      ['application/json', 'application/x-www-form-urlencoded'],
    ]) {
      const res = await rawRequest(
        `POST /rv-dup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${first}\r\nContent-Type: ${second}\r\n`,
        '{"required_payload": "hello"}',
      );
      expect(res).toEqual({ status: 400, body: 'duplicated content-type' });
    }
  });

  it('on an ai-proxy route: validation and ai-proxy both read the one body', async () => {
    const res = await admin.put('/apisix/admin/routes/rv-ai', {
      uri: '/rv-ai/chat',
      plugins: {
        'request-validation': {
          body_schema: {
            type: 'object',
            required: ['messages'],
            properties: { messages: { type: 'array', minItems: 1 } },
          },
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
    const chat = (body: unknown) =>
      httpRequest('POST', `http://127.0.0.1:${gatewayPort}/rv-ai/chat`, {
        body,
        headers: JSON_TYPE,
      });
    const reply = await waitFor('the AI route', async () => {
      const r = await chat({ messages: [{ role: 'user', content: 'hello' }] });
      return r.status === 200 ? r : undefined;
    });
    expect(reply.status).toBe(200);
    const seen = llm.requests.at(-1);
    expect(JSON.stringify(seen?.body)).toContain('hello');
    const before = llm.requests.length;
    const refused = await chat({ messages: [] });
    expect([refused.status, refused.text]).toEqual([400, expect.stringContaining('messages')]);
    expect(llm.requests.length).toBe(before);
  });
});
