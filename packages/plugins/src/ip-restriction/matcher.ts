/**
 * @module ip-restriction/matcher
 * An address list (IPs and CIDR ranges, v4 and v6) compiled once per configuration array into a
 * `net.BlockList`, and the test of a client address against it.
 */
import net from 'node:net';

const matchers = new WeakMap<readonly string[], net.BlockList>();

function compile(list: readonly string[]): net.BlockList {
  const blocks = new net.BlockList();
  for (const entry of list) {
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    try {
      if (slash === -1) blocks.addAddress(address, family);
      else blocks.addSubnet(address, Number(entry.slice(slash + 1)), family);
    } catch {
      // The Admin API refused such an entry (checks/ip-restriction); one loaded anyway matches nothing.
    }
  }
  return blocks;
}

/**
 * Whether `address` (the client's `remote_addr`) is in `list`. An address that is not an IP
 * matches nothing.
 * @example inList(['127.0.0.0/24', '::1'], '127.0.0.9') // true
 */
export function inList(list: readonly string[], address: string): boolean {
  let blocks = matchers.get(list);
  if (!blocks) {
    blocks = compile(list);
    matchers.set(list, blocks);
  }
  if (net.isIPv4(address)) return blocks.check(address, 'ipv4');
  if (net.isIPv6(address)) return blocks.check(address, 'ipv6');
  return false;
}
