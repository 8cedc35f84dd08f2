import { describe, expect, it } from 'vitest';
import { createAddressGuard, forbiddenAddressReason } from '../../src/feeds/address-guard.js';

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
  ])('refuses %s (%s)', (ip, reason) => {
    expect(forbiddenAddressReason(ip)).toContain(reason);
  });

  it.each(['8.8.8.8', '200.47.12.9', '151.101.1.140', '2800:3f0:4001:80b::200e', '2a00:1450:4001:82b::200e'])(
    'allows the public address %s',
    (ip) => {
      expect(forbiddenAddressReason(ip)).toBeNull();
    },
  );

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
