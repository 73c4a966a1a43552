import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { checkPluginConf, type UaRestrictionConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { uaRestriction } from './index';

function conf(input: Record<string, unknown>): UaRestrictionConf {
  const result = checkPluginConf('ua-restriction', input, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as UaRestrictionConf;
}

function context(userAgents: string[]): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.url = '/hello';
  req.method = 'GET';
  // What node:http's parser gives for repeated User-Agent lines.
  const distinct = userAgents.length === 0 ? {} : { 'user-agent': userAgents };
  Object.defineProperty(req, 'headersDistinct', { value: distinct });
  return new RequestContext(req, new http.ServerResponse(req));
}

const run = async (c: UaRestrictionConf, ...userAgents: string[]) =>
  (await uaRestriction.access?.(c, context(userAgents))) ?? undefined;

const spider = '(Baiduspider)/(\\d+)\\.(\\d+)';

describe('ua-restriction definition', () => {
  it('is APISIX ua-restriction at priority 2999 in access, registered', () => {
    expect(uaRestriction).toMatchObject({ name: 'ua-restriction', priority: 2999 });
    expect(PLUGINS.get('ua-restriction')).toBe(uaRestriction);
  });
});

describe('ua-restriction schema (ua-restriction.t)', () => {
  it('TEST 1: an empty conf is refused', () => {
    expect(checkPluginConf('ua-restriction', {}, 'route').valid).toBe(false);
  });

  it('TEST 2: both lists and a message are accepted, defaults filled', () => {
    const c = { allowlist: ['my-bot1'], denylist: ['my-bot2'], message: 'User-Agent Forbidden' };
    expect(conf(c)).toEqual({ ...c, bypass_missing: false });
    expect(conf({ denylist: ['x'] }).message).toBe('Not allowed');
  });

  it.each([
    [
      'TEST 3',
      { allowlist: 'my-bot1' },
      'property "allowlist" validation failed: wrong type: expected array, got string',
    ],
    [
      'TEST 4',
      { denylist: 100 },
      'property "denylist" validation failed: wrong type: expected array, got number',
    ],
    [
      'TEST 18',
      { denylist: ['a'], message: '' },
      'property "message" validation failed: string too short, expected at least 1, got 0',
    ],
    [
      'TEST 19',
      { denylist: ['a'], message: 'x'.repeat(1025) },
      'property "message" validation failed: string too long, expected at most 1024, got 1025',
    ],
  ])('%s: refused with APISIX wording', (_name, input, message) => {
    expect(checkPluginConf('ua-restriction', input, 'route')).toEqual({ valid: false, message });
  });

  it('refuses a rule that does not compile', () => {
    expect(checkPluginConf('ua-restriction', { denylist: ['(a'] }, 'route').valid).toBe(false);
    expect(checkPluginConf('ua-restriction', { allowlist: ['['] }, 'route').valid).toBe(false);
  });
});

describe('ua-restriction access', () => {
  const refused = (message = 'Not allowed') => ({ status: 403, body: { message } });

  it('TEST 7-10: denylist, literal and regex, any line refuses', async () => {
    const c = conf({ denylist: ['my-bot1', spider] });
    expect(await run(c, 'my-bot1')).toEqual(refused());
    expect(await run(c, 'my-bot2', 'my-bot1')).toEqual(refused());
    expect(await run(c, 'Baiduspider/3.0')).toEqual(refused());
    expect(await run(c, 'foo/bar')).toBeUndefined();
  });

  it('TEST 12-14: an allowlist alone refuses nothing', async () => {
    const c = conf({ allowlist: ['my-bot1', spider] });
    expect(await run(c, 'my-bot1')).toBeUndefined();
    expect(await run(c, 'Baiduspider/3.0')).toBeUndefined();
    expect(await run(c, 'foo/bar')).toBeUndefined();
  });

  it('TEST 16-17: the allowlist wins over the denylist', async () => {
    const c = conf({ allowlist: ['foo/bar', spider], denylist: ['foo/bar', spider] });
    expect(await run(c, 'foo/bar')).toBeUndefined();
    expect(await run(c, 'Baiduspider/1.0')).toBeUndefined();
  });

  it('TEST 21: a custom message', async () => {
    const c = conf({ denylist: [spider], message: 'Do you want to do something bad?' });
    expect(await run(c, 'Baiduspider/1.0')).toEqual(refused('Do you want to do something bad?'));
  });

  it('a missing User-Agent is refused unless bypass_missing', async () => {
    expect(await run(conf({ denylist: ['x'] }))).toEqual(refused());
    expect(await run(conf({ denylist: ['x'], bypass_missing: true }))).toBeUndefined();
  });

  it('trims the User-Agent before matching', async () => {
    expect(await run(conf({ denylist: ['^bot$'] }), '  bot ')).toEqual(refused());
  });
});
