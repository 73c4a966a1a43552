/**
 * forward-auth through a real node, configured through the Admin API: APISIX's
 * t/plugin/forward-auth.t against an authorization service and an echoing upstream on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;
let service: http.Server;
let base: string;
const seen: http.IncomingHttpHeaders[] = [];

/** `/auth` decides by the Authorization header (as forward-auth.t's serverless route); `/echo` echoes. */
function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname.startsWith('/echo')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ headers: req.headers, body }));
    return;
  }
  if (url.pathname === '/slow') return; // never answers
  if (url.pathname === '/auth2') {
    // forward-auth2.t: a POST to the service carries the body headers, a GET none.
    const bodyHeaders =
      req.headers['content-length'] !== undefined ||
      req.headers['transfer-encoding'] !== undefined ||
      req.headers['content-encoding'] !== undefined;
    const ok =
      req.headers.authorization === 'token-headers-test' &&
      (req.method === 'POST' ? bodyHeaders : !bodyHeaders);
    res.writeHead(ok ? 200 : 403);
    res.end();
    return;
  }
  seen.push(req.headers);
  const auth = req.headers.authorization;
  if (auth === '111') res.writeHead(200);
  else if (auth === '222') res.writeHead(200, { 'X-User-ID': 'i-am-an-user' });
  else if (auth === '333') res.writeHead(403, { Location: 'http://example.com/auth' });
  else if (auth === '444') {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.headers));
    return;
  } else if (req.method === 'POST' && body === 'letmein') res.writeHead(200);
  else res.writeHead(401, { 'WWW-Authenticate': 'Bearer', 'X-Other': 'no' });
  res.end(res.statusCode >= 300 ? 'denied' : '');
}

beforeAll(async () => {
  service = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c.slice(0, 1024)));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  node = await startAccessNode('forward-auth-e2e');
});

afterAll(async () => {
  await node?.close();
  service?.closeAllConnections();
  await new Promise<void>((resolve) => service?.close(() => resolve()));
});

const prefix = 'failed to check the configuration of plugin forward-auth err: ';
const upstream = () => ({
  type: 'roundrobin',
  nodes: { [base.replace('http://', '')]: 1 },
});

let routes = 0;
async function route(conf: Record<string, unknown>): Promise<string> {
  routes += 1;
  const uri = `/echo/fa-${routes}`;
  await node.putRoute(`fa-${routes}`, {
    uri,
    plugins: { 'forward-auth': conf },
    upstream: upstream(),
  });
  return uri;
}

const echoed = (body: string) =>
  JSON.parse(body) as { headers: Record<string, string>; body: string };

describe('forward-auth.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/fa-admin', {
      uri: '/fa-admin',
      plugins: { 'forward-auth': conf },
      upstream: node.upstream,
    });

  it('TEST 1: uri is required, a string; request_headers is an array', async () => {
    expect((await put({ uri: 'http://127.0.0.1:8199' })).status).toBe(201);
    const missing = await put({ request_headers: ['test'] });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error_msg: `${prefix}property "uri" is required` });
    const number = await put({ uri: 3233 });
    expect(number.json).toEqual({
      error_msg: `${prefix}property "uri" validation failed: wrong type: expected string, got number`,
    });
    const headers = await put({ uri: 'http://127.0.0.1:8199', request_headers: 'test' });
    expect(headers.json).toEqual({
      error_msg: `${prefix}property "request_headers" validation failed: wrong type: expected array, got string`,
    });
  });

  it.each([
    [{ request_method: 'PUT' }],
    [{ timeout: 0 }],
    [{ timeout: 60001 }],
    [{ status_on_error: 199 }],
    [{ status_on_error: 600 }],
    [{ keepalive_timeout: 999 }],
    [{ keepalive_pool: 0 }],
    [{ extra_headers: {} }],
    [{ extra_headers: { 'X-N': 1 } }],
  ])('refuses %j', async (extra) => {
    expect((await put({ uri: 'http://127.0.0.1:8199', ...extra })).status).toBe(400);
  });

  it('accepts a full configuration', async () => {
    const full = {
      uri: 'https://127.0.0.1:8199/auth',
      request_method: 'POST',
      ssl_verify: false,
      request_headers: ['Authorization'],
      upstream_headers: ['X-User-ID'],
      client_headers: ['Location'],
      extra_headers: { 'X-Client-IP': '$remote_addr' },
      timeout: 60000,
      allow_degradation: true,
      status_on_error: 503,
      keepalive: false,
      keepalive_timeout: 1000,
      keepalive_pool: 1,
    };
    expect((await put(full)).status).toBe(200);
  });
});

describe('forward-auth.t: requests through the gateway', () => {
  let uri: string;
  beforeAll(async () => {
    uri = await route({
      uri: `${base}/auth`,
      request_headers: ['Authorization'],
      upstream_headers: ['X-User-ID'],
      client_headers: ['Location'],
    });
  });

  it('TEST 3: request_headers reach the service and a 2xx lets the request through', async () => {
    const reply = await node.request(uri, { headers: { Authorization: '111' } });
    expect(reply.status).toBe(200);
    expect(echoed(reply.body).headers.authorization).toBe('111');
  });

  it('TEST 4: upstream_headers are copied to the upstream request', async () => {
    const reply = await node.request(uri, { headers: { Authorization: '222' } });
    expect(reply.status).toBe(200);
    expect(echoed(reply.body).headers['x-user-id']).toBe('i-am-an-user');
  });

  it('an upstream header absent from the answer removes the client one', async () => {
    const reply = await node.request(uri, {
      headers: { Authorization: '111', 'X-User-ID': 'forged' },
    });
    expect(reply.status).toBe(200);
    expect(echoed(reply.body).headers).not.toHaveProperty('x-user-id');
  });

  it('TEST 5: a refusal returns its status and client_headers', async () => {
    const reply = await node.request(uri, { headers: { Authorization: '333' } });
    expect(reply.status).toBe(403);
    expect(reply.headers.location).toBe('http://example.com/auth');
  });

  it('TEST 6: X-Forwarded-* come from the request, not the client', async () => {
    const reply = await node.request(`${uri}?a=1`, {
      headers: { Authorization: '444', 'X-Forwarded-Host': 'apisix.apache.org', Host: 'localhost' },
    });
    expect(reply.status).toBe(403);
    const sent = JSON.parse(reply.body) as Record<string, string>;
    expect(sent).toMatchObject({
      'x-forwarded-host': 'localhost',
      'x-forwarded-proto': 'http',
      'x-forwarded-method': 'GET',
      'x-forwarded-uri': `${uri}?a=1`,
      'x-forwarded-for': '127.0.0.1',
    });
  });

  it('a refusal returns the body as text/plain, and only the listed client_headers', async () => {
    const reply = await node.request(uri);
    expect(reply.status).toBe(401);
    expect(reply.body).toBe('denied');
    expect(reply.headers['content-type']).toBe('text/plain');
    expect(reply.headers).not.toHaveProperty('www-authenticate');
    expect(reply.headers).not.toHaveProperty('x-other');
  });

  it('POST sends the client body to the service', async () => {
    const post = await route({ uri: `${base}/auth`, request_method: 'POST' });
    const ok = await sendBody(post, 'letmein');
    expect(ok.status).toBe(200);
    expect(echoed(ok.body).body).toBe('letmein');
    expect((await sendBody(post, 'nope')).status).toBe(401);
  });

  it('forward-auth2.t TEST 2-5: body headers reach a POST service only', async () => {
    const post = await route({
      uri: `${base}/auth2`,
      request_headers: ['Authorization'],
      request_method: 'POST',
    });
    const get = await route({
      uri: `${base}/auth2`,
      request_headers: ['Authorization'],
      request_method: 'GET',
    });
    const headers = { Authorization: 'token-headers-test' };
    const body = '{"authorization": "token-headers-test"}';
    const length = { 'content-length': String(body.length) };
    expect((await node.request(get, { headers })).status).toBe(200);
    expect((await node.request(post, { headers })).status).toBe(200);
    const posted = { method: 'POST', headers: { ...headers, ...length }, body };
    expect((await node.request(post, posted)).status).toBe(200);
    expect((await node.request(get, posted)).status).toBe(200);
  });

  it('extra_headers resolve variables', async () => {
    const extra = await route({
      uri: `${base}/auth`,
      extra_headers: { Authorization: '$arg_token', 'X-Static': 'v' },
    });
    seen.length = 0;
    expect((await node.request(`${extra}?token=111`)).status).toBe(200);
    expect(seen[0]).toMatchObject({ authorization: '111', 'x-static': 'v' });
  });

  it('an unreachable service gives status_on_error, or passes with allow_degradation', async () => {
    const down = await route({ uri: 'http://127.0.0.1:1/auth' });
    expect((await node.request(down)).status).toBe(403);
    const custom = await route({ uri: 'http://127.0.0.1:1/auth', status_on_error: 503 });
    expect((await node.request(custom)).status).toBe(503);
    const degrade = await route({ uri: 'http://127.0.0.1:1/auth', allow_degradation: true });
    expect((await node.request(degrade)).status).toBe(200);
  });

  it('a service slower than timeout is a failure', async () => {
    const slow = await route({ uri: `${base}/slow`, timeout: 200 });
    expect((await node.request(slow)).status).toBe(403);
  });
});

function sendBody(path: string, body: string) {
  return node.request(path, {
    method: 'POST',
    headers: { 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
}
