import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { checkPluginConf, type ConsumerRestrictionConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { consumerRestriction } from './index';

function conf(input: Record<string, unknown>): ConsumerRestrictionConf {
  const result = checkPluginConf('consumer-restriction', input, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as ConsumerRestrictionConf;
}

function context(vars: Record<string, string>, method = 'GET'): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.url = '/hello';
  req.method = method;
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  for (const [name, value] of Object.entries(vars)) ctx.vars.set(name, value);
  return ctx;
}

const run = async (c: ConsumerRestrictionConf, vars: Record<string, string>, method = 'GET') =>
  (await consumerRestriction.access?.(c, context(vars, method))) ?? undefined;

const forbidden = (message = 'The consumer_name is forbidden.', status = 403) => ({
  status,
  body: { message },
});
const jack1 = { consumer_name: 'jack1' };
const jack2 = { consumer_name: 'jack2' };

describe('consumer-restriction definition', () => {
  it('is APISIX consumer-restriction at priority 2400 in access, registered', () => {
    expect(consumerRestriction).toMatchObject({ name: 'consumer-restriction', priority: 2400 });
    expect(PLUGINS.get('consumer-restriction')).toBe(consumerRestriction);
  });
});

describe('consumer-restriction schema (consumer-restriction.t)', () => {
  it('TEST 1: defaults, extra fields kept', () => {
    expect(conf({ title: 'whitelist', whitelist: ['jack1', 'jack2'] })).toEqual({
      rejected_code: 403,
      title: 'whitelist',
      type: 'consumer_name',
      whitelist: ['jack1', 'jack2'],
    });
  });

  it('TEST 2: all three lists together are accepted', () => {
    const c = { whitelist: ['jack1'], blacklist: ['jack2'], allowed_by_methods: [] };
    expect(checkPluginConf('consumer-restriction', c, 'route').valid).toBe(true);
  });

  it('refuses a conf without any list, an unknown type or method', () => {
    expect(checkPluginConf('consumer-restriction', {}, 'route').valid).toBe(false);
    const badType = { type: 'consumer', whitelist: ['a'] };
    expect(checkPluginConf('consumer-restriction', badType, 'route').valid).toBe(false);
    const badMethod = { allowed_by_methods: [{ user: 'a', methods: ['FETCH'] }] };
    expect(checkPluginConf('consumer-restriction', badMethod, 'route').valid).toBe(false);
    const lowCode = { whitelist: ['a'], rejected_code: 199 };
    expect(checkPluginConf('consumer-restriction', lowCode, 'route').valid).toBe(false);
  });
});

describe('consumer-restriction access (consumer-restriction.t)', () => {
  it('TEST 7-8: whitelist', async () => {
    const c = conf({ whitelist: ['jack1'] });
    expect(await run(c, jack1)).toBeUndefined();
    expect(await run(c, jack2)).toEqual(forbidden());
  });

  it('TEST 11-12: blacklist with rejected_msg', async () => {
    const c = conf({ blacklist: ['jack1'], rejected_msg: 'request is forbidden' });
    expect(await run(c, jack1)).toEqual(forbidden('request is forbidden'));
    expect(await run(c, jack2)).toBeUndefined();
  });

  it('TEST 14: without a consumer: 401', async () => {
    expect(await run(conf({ whitelist: ['jack1'] }), {})).toEqual(
      forbidden('The request is rejected, please check the consumer_name for this request', 401),
    );
  });

  it('TEST 22, 24: allowed_by_methods', async () => {
    const post = conf({ allowed_by_methods: [{ user: 'jack1', methods: ['POST'] }] });
    expect(await run(post, jack1)).toEqual(forbidden());
    expect(await run(post, jack1, 'POST')).toBeUndefined();
    expect(await run(post, jack2)).toBeUndefined();
    const both = conf({ allowed_by_methods: [{ user: 'jack1', methods: ['POST', 'GET'] }] });
    expect(await run(both, jack1)).toBeUndefined();
  });

  it('TEST 26-27: the blacklist wins over allowed_by_methods', async () => {
    const c = conf({
      blacklist: ['jack1'],
      allowed_by_methods: [{ user: 'jack1', methods: ['POST', 'GET'] }],
    });
    expect(await run(c, jack1)).toEqual(forbidden());
    expect(await run(c, jack2)).toBeUndefined();
  });

  it('TEST 29-30: a whitelisted consumer skips allowed_by_methods', async () => {
    const c = conf({
      whitelist: ['jack1'],
      allowed_by_methods: [{ user: 'jack1', methods: ['POST'] }],
    });
    expect(await run(c, jack1)).toBeUndefined();
    expect(await run(c, jack2)).toEqual(forbidden());
  });

  it('service_id, route_id and consumer_group_id, with rejected_code', async () => {
    const service = conf({ type: 'service_id', whitelist: ['1'], rejected_code: 401 });
    expect(await run(service, { service_id: '1' })).toBeUndefined();
    expect(await run(service, { service_id: '2' })).toEqual(
      forbidden('The service_id is forbidden.', 401),
    );
    expect(await run(service, {})).toEqual(
      forbidden('The request is rejected, please check the service_id for this request', 401),
    );
    const route = conf({ type: 'route_id', blacklist: ['r1'] });
    expect(await run(route, { route_id: 'r1' })).toEqual(forbidden('The route_id is forbidden.'));
    const group = conf({ type: 'consumer_group_id', whitelist: ['staff'] });
    expect(await run(group, { consumer_group_id: 'staff' })).toBeUndefined();
    expect(await run(group, { consumer_group_id: 'guests' })).toEqual(
      forbidden('The consumer_group_id is forbidden.'),
    );
  });
});
