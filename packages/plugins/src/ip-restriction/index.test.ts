import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { checkPluginConf, type IpRestrictionConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { ipRestriction } from './index';

function conf(input: Record<string, unknown>): IpRestrictionConf {
  const result = checkPluginConf('ip-restriction', input, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as IpRestrictionConf;
}

function from(address: string): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.url = '/hello';
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.vars.set('remote_addr', address);
  return ctx;
}

const run = async (c: IpRestrictionConf, address: string) =>
  (await ipRestriction.access?.(c, from(address))) ?? undefined;

const refusal = { status: 403, body: { message: 'Your IP address is not allowed' } };

describe('ip-restriction definition', () => {
  it('is APISIX ip-restriction at priority 3000 in access, registered', () => {
    expect(ipRestriction).toMatchObject({ name: 'ip-restriction', version: '0.1', priority: 3000 });
    expect(typeof ipRestriction.access).toBe('function');
    expect(PLUGINS.get('ip-restriction')).toBe(ipRestriction);
  });
});

describe('ip-restriction schema and check (ip-restriction.t)', () => {
  it('TEST 1, 19: accepts v4 and v6 addresses and ranges, fills defaults', () => {
    expect(conf({ whitelist: ['10.255.254.0/24', '192.168.0.0/16'] })).toEqual({
      whitelist: ['10.255.254.0/24', '192.168.0.0/16'],
      message: 'Your IP address is not allowed',
      response_code: 403,
    });
    expect(conf({ whitelist: ['::1', 'fe80::/32', '2001:DB8:0:23:8:800:200C:417A'] })).toBeTruthy();
  });

  it.each([
    ['TEST 2', { whitelist: ['10.255.256.0/24', '192.168.0.0/16'] }],
    ['TEST 3', { whitelist: ['10.255.254.0/38'] }],
    ['TEST 4', {}],
    ['TEST 5', { blacklist: [] }],
    ['TEST 6', { whitelist: ['172.17.40.0/24'], blacklist: ['10.255.0.0/16'] }],
    ['TEST 24', { whitelist: ['::ffgg'] }],
    ['response_code', { whitelist: ['::1'], response_code: 401 }],
    ['message', { whitelist: ['::1'], message: '' }],
  ])('%s: refused', (_name, input) => {
    expect(checkPluginConf('ip-restriction', input, 'route').valid).toBe(false);
  });

  it('TEST 4, 6: neither or both lists: value should match only one schema', () => {
    for (const input of [{}, { whitelist: ['1.1.1.1'], blacklist: ['2.2.2.2'] }]) {
      const result = checkPluginConf('ip-restriction', input, 'route');
      expect(result).toMatchObject({ valid: false });
      expect((result as { message: string }).message).toMatch(/value should match only one schema/);
    }
  });

  it('TEST 24: a v6 mask past 128 is an invalid ip address', () => {
    expect(checkPluginConf('ip-restriction', { whitelist: ['::1/129'] }, 'route')).toEqual({
      valid: false,
      message: 'invalid ip address: ::1/129',
    });
  });
});

describe('ip-restriction access', () => {
  const whitelist = conf({ whitelist: ['127.0.0.0/24', '113.74.26.106'] });
  const blacklist = conf({ blacklist: ['127.0.0.0/24', '113.74.26.106'] });

  it('TEST 8-11: a whitelist lets its addresses and ranges in, refuses the rest', async () => {
    expect(await run(whitelist, '127.0.0.1')).toBeUndefined();
    expect(await run(whitelist, '113.74.26.106')).toBeUndefined();
    expect(await run(whitelist, '114.114.114.114')).toEqual(refusal);
    expect(await run(whitelist, '2001:db8::2')).toEqual(refusal);
  });

  it('TEST 13-16: a blacklist refuses its addresses and ranges only', async () => {
    expect(await run(blacklist, '127.0.0.5')).toEqual(refusal);
    expect(await run(blacklist, '113.74.26.106')).toEqual(refusal);
    expect(await run(blacklist, '114.114.114.114')).toBeUndefined();
    expect(await run(blacklist, '2001:db8::2')).toBeUndefined();
  });

  it('TEST 20-23: IPv6 addresses and ranges', async () => {
    const v6 = conf({ blacklist: ['::1', 'fe80::/32'] });
    expect(await run(v6, '127.0.0.1')).toBeUndefined();
    expect(await run(v6, '::1')).toEqual(refusal);
    expect(await run(v6, 'fe80::1:1')).toEqual(refusal);
    expect(await run(v6, 'fe81::1')).toBeUndefined();
  });

  it('a range given by a host address covers its network', async () => {
    const c = conf({ whitelist: ['192.168.0.1/24'] });
    expect(await run(c, '192.168.0.200')).toBeUndefined();
    expect(await run(c, '192.168.1.1')).toEqual(refusal);
  });

  it('answers with the configured message and response_code', async () => {
    const c = conf({ whitelist: ['10.0.0.0/8'], message: 'Access denied', response_code: 404 });
    expect(await run(c, '192.0.2.1')).toEqual({ status: 404, body: { message: 'Access denied' } });
  });

  it('refuses a client whose address is not an IP when a whitelist is set', async () => {
    expect(await run(whitelist, '')).toEqual(refusal);
    expect(await run(blacklist, '')).toBeUndefined();
  });
});
