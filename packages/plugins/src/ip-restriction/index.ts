/**
 * @module ip-restriction
 * APISIX's ip-restriction (priority 3000, access phase): refuses a client whose `remote_addr`
 * (as real-ip may have set it) is outside the `whitelist` or inside the `blacklist`, with
 * `response_code` and `{"message": message}`.
 *
 * @example
 * // route: { "plugins": { "ip-restriction": { "whitelist": ["10.0.0.0/8"] } } }
 * // a request from 192.0.2.1 → 403 {"message":"Your IP address is not allowed"}
 */
import { definePlugin, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { IpRestrictionConf } from '@tollgate/schema';
import { inList } from './matcher';

function access(conf: IpRestrictionConf, ctx: RequestContext): Exit | undefined {
  const remote = ctx.vars.get('remote_addr');
  const address = typeof remote === 'string' ? remote : '';
  const blocked = conf.whitelist
    ? !inList(conf.whitelist, address)
    : conf.blacklist !== undefined && inList(conf.blacklist, address);
  return blocked ? exit(conf.response_code, { message: conf.message }) : undefined;
}

/** The ip-restriction plugin definition. */
export const ipRestriction = definePlugin<IpRestrictionConf>({
  name: 'ip-restriction',
  version: '0.1',
  priority: 3000,
  access,
});
