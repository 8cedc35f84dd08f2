import { BlockList, isIP } from 'node:net';
import type { CheckAddress, CheckHost } from './fetch-feed.js';

/**
 * Addresses a user-added feed may never reach (SSRF guard): the machine itself, private networks,
 * cloud metadata endpoints and anything not globally routable. Node's BlockList also matches
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) against the IPv4 ranges.
 */
const FORBIDDEN: [range: string, prefix: number, family: 'ipv4' | 'ipv6', reason: string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local or cloud metadata address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.88.99.0', 24, 'ipv4', 'a reserved address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved or broadcast address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['::', 96, 'ipv6', 'an unspecified or IPv4-compatible address'],
  // IPv4-translated (RFC 2765, `::ffff:0:a.b.c.d`): BlockList maps only `::ffff:a.b.c.d` onto the IPv4 rules.
  ['::ffff:0:0:0', 96, 'ipv6', 'an IPv4-translated address'],
  ['64:ff9b::', 96, 'ipv6', 'a NAT64 address'],
  ['64:ff9b:1::', 48, 'ipv6', 'a NAT64 address'],
  ['100::', 64, 'ipv6', 'a discard address'],
  ['2001::', 32, 'ipv6', 'a Teredo address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address'],
  ['fc00::', 7, 'ipv6', 'a unique-local (private) address'],
  ['fd00:ec2::254', 128, 'ipv6', 'a cloud metadata address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const RULES = FORBIDDEN.map(([range, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(range, prefix, family);
  return { list, reason };
});

/** Why `ip` is forbidden, or null when it is a public address. */
export function forbiddenAddressReason(ip: string): string | null {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const rule of RULES) if (rule.list.check(ip, type)) return rule.reason;
  return null;
}

/**
 * Why a host name is refused before it is even looked up, or null. `localhost` and its subdomains
 * name this machine whatever DNS says, and a trailing dot (`LOCALHOST.`) is a spelling that slips
 * past name comparisons; no public feed needs one, so both are refused by name.
 */
export function forbiddenHostReason(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'a loopback host name';
  if (name.length !== hostname.length) return 'a host name ending in a dot';
  return null;
}

/** The host-name check for user-added feeds; `allow: true` lifts it with the address check. */
export function createHostGuard(allow: boolean | string[] = false): CheckHost | undefined {
  if (allow === true) return undefined;
  return (hostname) => {
    const reason = forbiddenHostReason(hostname);
    return reason === null ? null : `${hostname} is ${reason}`;
  };
}

/**
 * The address check for user-added feeds. `allow` is the explicit escape hatch from the config:
 * `true` allows everything (tests with a loopback server), a list of CIDRs allows just those.
 */
export function createAddressGuard(allow: boolean | string[] = false): CheckAddress | undefined {
  if (allow === true) return undefined;
  const allowed = new BlockList();
  for (const cidr of allow === false ? [] : allow) {
    const [range = '', prefix] = cidr.split('/');
    const family = isIP(range) === 6 ? 'ipv6' : 'ipv4';
    allowed.addSubnet(range, Number(prefix ?? (family === 'ipv6' ? 128 : 32)), family);
  }
  return (ip, family) => {
    if (allowed.check(ip, family === 6 ? 'ipv6' : 'ipv4')) return null;
    const reason = forbiddenAddressReason(ip);
    return reason === null ? null : `${ip} is ${reason}`;
  };
}
