import { describe, expect, it } from 'vitest';
import { createAddressGuard, createHostGuard, forbiddenAddressReason, forbiddenHostReason } from '../../src/feeds/address-guard.js';

describe('the address guard for user-added feeds', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'cloud metadata'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc12::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::a00:1', 'NAT64'],
    ['::ffff:0:7f00:1', 'IPv4-translated'],
    ['::ffff:0:a00:1', 'IPv4-translated'],
    ['::ffff:0:808:808', 'IPv4-translated'],
  ])('refuses %s (%s)', (ip, reason) => {
    expect(forbiddenAddressReason(ip)).toContain(reason);
  });

  it.each(['8.8.8.8', '200.47.12.9', '151.101.1.140', '2800:3f0:4001:80b::200e', '2a00:1450:4001:82b::200e'])(
    'allows the public address %s',
    (ip) => {
      expect(forbiddenAddressReason(ip)).toBeNull();
    },
  );

  it('refuses the IPv4-translated range ::ffff:0:0:0/96 as written in a URL ([::ffff:0:127.0.0.1])', () => {
    const ip = new URL('http://[::ffff:0:127.0.0.1]/feed.xml').hostname.slice(1, -1);
    expect(ip).toBe('::ffff:0:7f00:1');
    expect(createAddressGuard(false)?.(ip, 6)).toBe('::ffff:0:7f00:1 is an IPv4-translated address');
  });

  it.each([
    ['localhost', 'loopback host name'],
    ['LOCALHOST', 'loopback host name'],
    ['localhost.', 'loopback host name'],
    [new URL('http://LOCALHOST./').hostname, 'loopback host name'],
    ['localhost..', 'loopback host name'],
    ['feeds.localhost', 'loopback host name'],
    ['feeds.localhost.', 'loopback host name'],
    ['news.example.', 'host name ending in a dot'],
  ])('refuses the host name %s by name (%s)', (hostname, reason) => {
    expect(forbiddenHostReason(hostname)).toContain(reason);
  });

  it.each(['news.example', 'localhost.example', 'mylocalhost', 'g1.globo.com'])('allows the host name %s', (hostname) => {
    expect(forbiddenHostReason(hostname)).toBeNull();
  });

  it('lifts the host-name refusal only when every address is allowed', () => {
    expect(createHostGuard(false)?.('LOCALHOST.')).toBe('LOCALHOST. is a loopback host name');
    expect(createHostGuard(['127.0.0.0/8'])?.('localhost')).toBe('localhost is a loopback host name');
    expect(createHostGuard(true)).toBeUndefined();
  });

  it('lifts the refusal only where the config explicitly allows it', () => {
    expect(createAddressGuard(false)?.('127.0.0.1', 4)).toBe('127.0.0.1 is a loopback address');
    expect(createAddressGuard(true)).toBeUndefined();
    const guard = createAddressGuard(['127.0.0.2/32', 'fd00::/8']);
    expect(guard?.('127.0.0.2', 4)).toBeNull();
    expect(guard?.('127.0.0.1', 4)).toMatch(/loopback/);
    expect(guard?.('fd00::5', 6)).toBeNull();
    expect(guard?.('::ffff:127.0.0.1', 6)).toMatch(/loopback/);
  });
});
