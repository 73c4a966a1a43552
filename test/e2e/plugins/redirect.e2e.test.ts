/**
 * redirect through a real `tollgate start` on the suite's etcd, configured through the Admin API:
 * APISIX's t/plugin/redirect*.t cases that define behaviour (schema and check errors, uri with
 * variables, ret_code, regex_uri with and without a match, http_to_https by method and
 * X-Forwarded-Proto, encode_uri, append_query_string).
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

jest.setTimeout(60_000);

const nodes = usePluginNodes({ name: 'redirect', nodes: 1, workers: 1 });
let admin: AdminClient;
let echo: EchoServer;
let gatewayPort: number;

beforeAll(() => {
  ({ admin, echo } = nodes);
  gatewayPort = nodes.ports[0] ?? 0;
});

const { get } = nodes;

async function putConf(conf: unknown): Promise<HttpReply> {
  return admin.put('/apisix/admin/routes/rd-schema', {
    uri: '/rd-schema',
    plugins: { redirect: conf },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
}

function errorOf(reply: HttpReply): string {
  return (reply.json as { error_msg: string }).error_msg;
}

/** PUT route `id` (a catch-all under `prefix`) with `conf`; wait until `probe` is redirected. */
async function redirectRoute(id: string, prefix: string, conf: unknown, probe: string) {
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri: `${prefix}*`,
    plugins: { redirect: conf },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  expect(res.status).toBeLessThan(300);
  await waitFor(`route ${id}`, async () => (await get(probe)).status !== 404);
}

function send(method: string, uri: string, headers: Record<string, string> = {}) {
  return httpRequest(method, `http://127.0.0.1:${gatewayPort}${uri}`, { headers });
}

describe('redirect (APISIX t/plugin/redirect*.t)', () => {
  const prefix = 'failed to check the configuration of plugin redirect err: ';

  it('schema: accepts APISIX configurations', async () => {
    for (const ok of [
      { uri: '/foo', ret_code: 301 },
      { uri: '$uri/foo' },
      { regex_uri: ['^/test/(.*)', '/$1'] },
      { http_to_https: true },
      { uri: '/foo', encode_uri: true, append_query_string: true },
    ]) {
      expect((await putConf(ok)).status).toBeLessThan(300);
    }
  });

  it('schema: refuses what APISIX refuses, with its messages', async () => {
    for (const bad of [
      {},
      { ret_code: 302 },
      { uri: '/foo', http_to_https: true },
      { uri: '/' },
      { uri: '/foo', ret_code: 199 },
      { regex_uri: ['^/only'] },
      { uri: '/foo', encode_uri: 'yes' },
    ]) {
      const res = await putConf(bad);
      expect(res.status).toBe(400);
      expect(errorOf(res).startsWith(prefix)).toBe(true);
    }
    expect(errorOf(await putConf({ http_to_https: true, append_query_string: true }))).toBe(
      `${prefix}only one of \`http_to_https\` and \`append_query_string\` can be configured.`,
    );
    expect(errorOf(await putConf({ regex_uri: ['^/a(', '/b'] }))).toMatch(
      /invalid regex_uri \(\^\/a\(, \/b\), err:/,
    );
  });

  it('uri: 302 by default, with nginx page; ret_code; variables', async () => {
    await redirectRoute('rd-1', '/rd-1', { uri: '/test/add' }, '/rd-1');
    const reply = await get('/rd-1');
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe('/test/add');
    expect(reply.text).toContain('<title>302 Found</title>');

    await redirectRoute(
      'rd-2',
      '/rd-2',
      { uri: '$uri/foo?name=${arg_name}', ret_code: 301 },
      '/rd-2',
    );
    const vars = await get('/rd-2/x?name=json');
    expect(vars.status).toBe(301);
    expect(vars.headers.get('location')).toBe('/rd-2/x/foo?name=json');
  });

  it('regex_uri: redirects on a match, proxies otherwise', async () => {
    await redirectRoute(
      'rd-3',
      '/rd-3',
      { regex_uri: ['^/rd-3/test/(.*)', 'http://test.com/$1'], ret_code: 301 },
      '/rd-3/x',
    );
    const hit = await get('/rd-3/test/a/b');
    expect(hit.status).toBe(301);
    expect(hit.headers.get('location')).toBe('http://test.com/a/b');
    const miss = await get('/rd-3/other');
    expect(miss.status).toBe(200);
    expect((miss.json as Echo).url).toBe('/rd-3/other');
  });

  it('http_to_https: 301 for GET and HEAD, 308 for POST, none behind an https proxy', async () => {
    await redirectRoute('rd-4', '/rd-4', { http_to_https: true }, '/rd-4');
    const reply = await send('GET', '/rd-4/hello?a=1', { Host: 'foo.com' });
    expect(reply.status).toBe(301);
    // The port of the node's HTTPS listener (apisix.ssl.listen; a private one in tests), as
    // APISIX's get_port names it unless it is 443.
    const location = reply.headers.get('location') ?? '';
    const port = /^https:\/\/foo\.com:(\d+)\/rd-4\/hello\?a=1$/.exec(location)?.[1];
    expect(Number(port)).toBeGreaterThan(0);
    expect((await send('HEAD', '/rd-4', { Host: 'foo.com' })).status).toBe(301);
    const post = await send('POST', '/rd-4', { Host: 'foo.com' });
    expect(post.status).toBe(308);
    expect(post.headers.get('location')).toBe(`https://foo.com:${port}/rd-4`);
    const https = await send('GET', '/rd-4', { 'X-Forwarded-Proto': 'https' });
    expect(https.status).toBe(200);
  });

  it('encode_uri escapes the Location path', async () => {
    await redirectRoute('rd-5', '/rd-5', { uri: '$uri', encode_uri: true }, '/rd-5');
    expect((await get('/rd-5/a%20b%C3%A9')).headers.get('location')).toBe('/rd-5/a%20b%C3%A9');
    // As APISIX: a `?` in the decoded path starts the query part, which is left as it is.
    expect((await get('/rd-5/a%20b%3Fc d')).headers.get('location')).toBe('/rd-5/a%20b?c d');
  });

  it('append_query_string appends the request query', async () => {
    await redirectRoute(
      'rd-6',
      '/rd-6',
      { uri: '/foo?bar=baz', append_query_string: true },
      '/rd-6',
    );
    expect((await get('/rd-6?test=1')).headers.get('location')).toBe('/foo?bar=baz&test=1');
    expect((await get('/rd-6')).headers.get('location')).toBe('/foo?bar=baz');
  });
});
