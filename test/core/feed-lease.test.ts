import { describe, expect, it } from 'vitest';
import { hostOf, pickClaims, type ClaimCandidate } from '../../src/core/feed-lease.js';
import { leaseDurationMs } from '../../src/pipeline/poll-feeds.js';

const feed = (id: number, url: string): ClaimCandidate => ({ id, url, leaseOwner: null });

describe('which due feeds one claim takes', () => {
  const due = [feed(1, 'https://a.example/1'), feed(2, 'https://a.example/2'), feed(3, 'https://b.example/1'), feed(4, 'https://a.example/3'), feed(5, 'http://a.example:8080/1')];
  it.each<[string, { leased: string[]; limit: number; perHost: number }, number[]]>([
    ['in due order, up to the limit', { leased: [], limit: 2, perHost: 9 }, [1, 2]],
    ['no more of one host than the per-host limit', { leased: [], limit: 9, perHost: 1 }, [1, 3, 5]],
    ['counting the leases others hold on that host', { leased: ['https://a.example/9'], limit: 9, perHost: 2 }, [1, 3, 5]],
    ['nothing of a host that is full', { leased: ['https://a.example/8', 'https://a.example/9'], limit: 9, perHost: 2 }, [3, 5]],
    ['another port is another host', { leased: ['https://a.example/8'], limit: 9, perHost: 1 }, [3, 5]],
  ])('%s', (_name, { leased, limit, perHost }, expected) => {
    expect(pickClaims(due, leased, limit, perHost).map((picked) => picked.id)).toEqual(expected);
  });

  it('counts hosts as the HTTP pool does (host and port), a URL it cannot read as itself', () => {
    expect(hostOf('https://A.example:443/x')).toBe('a.example');
    expect(hostOf('http://a.example:8080/x')).toBe('a.example:8080');
    expect(hostOf('not a url')).toBe('not a url');
  });
});

describe('how long a poller’s lease holds', () => {
  it.each([
    [{ connectTimeoutSeconds: 10, timeoutSeconds: 30 }, 140_000],
    [{ connectTimeoutSeconds: 1, timeoutSeconds: 2 }, 66_000],
    [{ connectTimeoutSeconds: 10, timeoutSeconds: 30, leaseSeconds: 5 }, 5_000],
  ])('%j → %i ms', (polling, expected) => {
    expect(leaseDurationMs(polling)).toBe(expected);
  });
});
