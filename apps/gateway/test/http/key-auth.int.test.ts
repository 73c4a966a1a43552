/**
 * key-auth through the real handler and proxy: APISIX's cases of spec §8.3 (#62–#72), consumer
 * credentials and the consumer headers the upstream receives.
 */
import { httpRequest } from '@tollgate/testkit';
import { DataPlane, startEchoUpstream, type Echo } from './harness';

let plane: DataPlane;
let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  plane = await new DataPlane().start();
});
afterAll(async () => {
  await plane.close();
  await upstream.close();
});

const route = (keyAuth: Record<string, unknown>) => ({
  uri: '/hello',
  plugins: { 'key-auth': keyAuth },
  upstream: { nodes: { [`127.0.0.1:${upstream.port}`]: 1 }, type: 'roundrobin' },
});
const jack = { username: 'jack', plugins: { 'key-auth': { key: 'auth-one' } } };
const get = (path: string, headers: Record<string, string> = {}) =>
  httpRequest('GET', plane.url(path), { headers });

describe('key-auth (spec §8.3)', () => {
  it('#62 a valid key in the apikey header reaches the upstream as jack', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({}) });
    const res = await get('/hello', { apikey: 'auth-one' });
    expect(res.status).toBe(200);
    expect((res.json as Echo).headers['x-consumer-username']).toBe('jack');
  });

  it('#63 an unknown key is 401 Invalid API key', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({}) });
    const res = await get('/hello', { apikey: '123' });
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"message":"Invalid API key in request"}\n');
    expect(res.headers.get('www-authenticate')).toBe('apikey realm="key"');
  });

  it('#64 no key is 401 Missing API key', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({}) });
    const res = await get('/hello');
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Missing API key in request' });
  });

  it('#66 a custom header name', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({ header: 'Authorization' }) });
    expect((await get('/hello', { Authorization: 'auth-one' })).status).toBe(200);
  });

  it('#67 a custom query argument', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({ query: 'auth' }) });
    expect((await get('/hello?auth=auth-one')).status).toBe(200);
  });

  it('#68 hide_credentials false: the upstream sees the key', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({ hide_credentials: false }) });
    const res = await get('/hello', { apikey: 'auth-one' });
    expect((res.json as Echo).headers.apikey).toBe('auth-one');
  });

  it('#69 hide_credentials true: the used header is removed, others kept', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({ hide_credentials: true }) });
    const res = await get('/hello?apikey=keep-me', { apikey: 'auth-one', test: 'auth-two' });
    const seen = res.json as Echo;
    expect(seen.headers.apikey).toBeUndefined();
    expect(seen.headers.test).toBe('auth-two');
    expect(seen.url).toBe('/hello?apikey=keep-me');
  });

  it('hide_credentials with a query key removes only that argument', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({ hide_credentials: true }) });
    const res = await get('/hello?a=1&apikey=auth-one&b=2');
    expect((res.json as Echo).url).toBe('/hello?a=1&b=2');
  });

  it('#71 realm', async () => {
    plane.load({ 'consumers/jack': jack, 'routes/1': route({ realm: 'my-custom-realm' }) });
    expect((await get('/hello')).headers.get('www-authenticate')).toBe(
      'apikey realm="my-custom-realm"',
    );
  });

  it('#72 a missing anonymous consumer is 401 Invalid user authorization', async () => {
    plane.load({
      'consumers/jack': jack,
      'routes/1': route({ anonymous_consumer: 'not-found-anonymous' }),
    });
    const res = await get('/hello');
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Invalid user authorization' });
  });

  it('an existing anonymous consumer is used without a key', async () => {
    plane.load({
      'consumers/jack': jack,
      'consumers/guest': { username: 'guest' },
      'routes/1': route({ anonymous_consumer: 'guest' }),
    });
    const res = await get('/hello');
    expect(res.status).toBe(200);
    expect((res.json as Echo).headers['x-consumer-username']).toBe('guest');
  });

  it('a credential authenticates its consumer and names itself to the upstream', async () => {
    plane.load({
      'consumers/rose': { username: 'rose' },
      'consumers/rose/credentials/cred-1': { plugins: { 'key-auth': { key: 'rose-key' } } },
      'routes/1': route({}),
    });
    const res = await get('/hello', { apikey: 'rose-key' });
    expect(res.status).toBe(200);
    expect((res.json as Echo).headers['x-consumer-username']).toBe('rose');
    expect((res.json as Echo).headers['x-credential-identifier']).toBe('cred-1');
  });

  it('a client cannot impersonate a consumer with X-Consumer-Username', async () => {
    plane.load({
      'consumers/jack': jack,
      'consumers/admin': { username: 'admin', plugins: { 'key-auth': { key: 'k2' } } },
      'routes/1': route({}),
    });
    const res = await get('/hello', { apikey: 'auth-one', 'X-Consumer-Username': 'admin' });
    expect((res.json as Echo).headers['x-consumer-username']).toBe('jack');
  });
});
