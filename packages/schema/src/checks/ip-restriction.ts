/**
 * @module checks/ip-restriction
 * ip-restriction's check beyond its schema (APISIX `check_schema`): the IPv6 pattern lets through
 * strings that are no address, and masks past 128; each entry must parse as an address with a
 * mask in range for its family.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** True for an IPv4 or IPv6 address, optionally `/mask` with a mask its family allows. */
export function isIpOrCidr(entry: string): boolean {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  let mask = 0;
  if (slash !== -1) {
    const text = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text)) return false;
    mask = Number(text);
  }
  if (isIPv4(address)) return mask <= 32;
  return isIPv6(address) && mask <= 128;
}

/** First cross-field failure of a schema-valid ip-restriction config, or undefined. */
export function checkIpRestriction(conf: Record<string, unknown>): string | undefined {
  for (const list of [conf.whitelist, conf.blacklist]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (typeof entry === 'string' && !isIpOrCidr(entry)) return `invalid ip address: ${entry}`;
    }
  }
  return undefined;
}
