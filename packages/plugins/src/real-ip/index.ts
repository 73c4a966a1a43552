/**
 * @module real-ip
 * APISIX's real-ip (priority 23000, rewrite): the client is seen at the address (and port) read
 * from `source` when the peer is trusted. `remote_addr` and `remote_port` change for every later
 * plugin (ip-restriction, limit-* keys, the access log) and for the upstream's X-Real-IP and
 * X-Forwarded-For; `realip_remote_addr`/`realip_remote_port` keep the peer's.
 *
 * @example
 * // route: { "plugins": { "real-ip": { "source": "arg_realip", "trusted_addresses": ["127.0.0.0/24"] } } }
 * // GET /hello?realip=1.2.3.4:9080 from 127.0.0.1 → remote_addr 1.2.3.4, remote_port 9080
 */
import net from 'node:net';
import { addCidr, definePlugin, ownValue, type RequestContext } from '@tollgate/core';
import type { RealIpConf } from '@tollgate/schema';
import { fromForwardedFor, parseAddress } from './address';

const trustedLists = new WeakMap<RealIpConf, net.BlockList>();

function trustedList(conf: RealIpConf): net.BlockList | undefined {
  if (!conf.trusted_addresses) return undefined;
  let list = trustedLists.get(conf);
  if (!list) {
    list = new net.BlockList();
    for (const cidr of conf.trusted_addresses) addCidr(list, cidr);
    trustedLists.set(conf, list);
  }
  return list;
}

function matches(list: net.BlockList, ip: string): boolean {
  const family = net.isIP(ip);
  return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

function sourceValue(conf: RealIpConf, ctx: RequestContext, list?: net.BlockList): unknown {
  if (conf.source !== 'http_x_forwarded_for') return ctx.vars.get(conf.source);
  const header = ownValue(ctx.req.headers, 'x-forwarded-for');
  if (header === undefined) return undefined;
  const recursive = conf.recursive && list ? (ip: string) => matches(list, ip) : undefined;
  return fromForwardedFor(Array.isArray(header) ? header.join(', ') : header, recursive);
}

function rewrite(conf: RealIpConf, ctx: RequestContext): undefined {
  const list = trustedList(conf);
  const peer = String(ctx.vars.get('remote_addr'));
  if (list && !matches(list, peer)) return undefined;
  const value = sourceValue(conf, ctx, list);
  if (typeof value !== 'string') return undefined;
  const address = parseAddress(value);
  if (!address) return undefined;
  ctx.vars.set('realip_remote_addr', peer);
  ctx.vars.set('realip_remote_port', ctx.vars.get('remote_port') as number | undefined);
  ctx.vars.set('remote_addr', address.ip);
  if (address.port !== undefined) ctx.vars.set('remote_port', address.port);
  return undefined;
}

/** The real-ip plugin definition. */
export const realIp = definePlugin<RealIpConf>({
  name: 'real-ip',
  version: '0.1',
  priority: 23000,
  rewrite,
});
