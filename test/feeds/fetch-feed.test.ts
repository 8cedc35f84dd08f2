import zlib from 'node:zlib';
import { afterEach, assert, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACCEPT, USER_AGENT, createFeedDispatcher, fetchFeed } from '../../src/feeds/fetch-feed.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Integración regional</title>
${Array.from({ length: 40 }, (_, i) => `<item><title>Noticia ${i}</title><link>https://example.org/${i}</link></item>`).join('\n')}
</channel></rss>`;
const MB = 1024 * 1024;

let server: FeedServer;

beforeEach(async () => {
  server = await startFeedServer();
});

afterEach(async () => {
  // Every fetch must leave no socket behind: the server sees all its connections closed.
  await server.idle();
  await server.close();
});

describe('fetchFeed: a plain GET', () => {
  it('returns the decoded body with its status, type, validators and max-age', async () => {
    const url = server.route('/feed.xml', {
      body: RSS,
      etag: '"v1"',
      lastModified: 'Wed, 22 Oct 2025 10:00:00 GMT',
      headers: { 'cache-control': 'public, max-age=900' },
    });

    const outcome = await fetchFeed(url);

    assert(outcome.status === 'ok');
    expect(outcome.body.toString('utf8')).toBe(RSS);
    expect(outcome).toMatchObject({
      http: 200,
      url,
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Wed, 22 Oct 2025 10:00:00 GMT',
      maxAgeSeconds: 900,
      bytes: Buffer.byteLength(RSS),
      redirects: [],
    });
  });

  it('sends the Sancocho User-Agent, an Accept that prefers RSS/Atom/XML and the encodings it can decode', async () => {
    const url = server.route('/feed.xml', { body: RSS });

    await fetchFeed(url);

    const [request] = server.requests('/feed.xml');
    expect(USER_AGENT).toMatch(/^Sancocho\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/sancocho-bot\/sancocho\)$/);
    expect(request?.headers['user-agent']).toBe(USER_AGENT);
    expect(request?.headers.accept).toBe(ACCEPT);
    expect(request?.headers.accept?.startsWith('application/rss+xml, application/atom+xml')).toBe(true);
    expect(request?.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(request?.headers['if-none-match']).toBeUndefined();
    expect(request?.headers['if-modified-since']).toBeUndefined();
  });

  it('sends the User-Agent it is given', async () => {
    const url = server.route('/feed.xml', { body: RSS });

    await fetchFeed(url, { userAgent: 'Sancocho-test/1' });

    expect(server.requests('/feed.xml')[0]?.headers['user-agent']).toBe('Sancocho-test/1');
  });
});

describe('fetchFeed: conditional GET', () => {
  it('sends the stored ETag as If-None-Match and reports the 304 as not-modified with 0 bytes', async () => {
    const url = server.route('/feed.xml', { body: RSS, etag: '"abc"' });

    const first = await fetchFeed(url);
    assert(first.status === 'ok');
    const second = await fetchFeed(url, { etag: first.etag });

    expect(second).toMatchObject({ status: 'not-modified', http: 304, url, etag: '"abc"', bytes: 0 });
    const [, conditional] = server.requests('/feed.xml');
    expect(conditional?.headers['if-none-match']).toBe('"abc"');
    expect(conditional).toMatchObject({ status: 304, bodyBytes: 0, end: 'finished' });
  });

  it('sends the stored Last-Modified as If-Modified-Since and reports the 304 as not-modified', async () => {
    const lastModified = 'Wed, 22 Oct 2025 10:00:00 GMT';
    const url = server.route('/feed.xml', { body: RSS, lastModified });

    const outcome = await fetchFeed(url, { lastModified });

    expect(outcome).toMatchObject({ status: 'not-modified', lastModified, bytes: 0 });
    expect(server.requests('/feed.xml')[0]?.headers['if-modified-since']).toBe(lastModified);
    expect(server.requests('/feed.xml')[0]?.bodyBytes).toBe(0);
  });

  it('gets the full body again when the ETag changed', async () => {
    const url = server.route('/feed.xml', { body: RSS, etag: '"v2"' });

    const outcome = await fetchFeed(url, { etag: '"v1"' });

    expect(outcome).toMatchObject({ status: 'ok', http: 200, etag: '"v2"' });
  });

  it('keeps the validators it sent when a 304 omits them, so storing the outcome never erases them', async () => {
    const url = server.route('/feed.xml', { status: 304 });

    const outcome = await fetchFeed(url, { etag: '"kept"', lastModified: 'Wed, 22 Oct 2025 10:00:00 GMT' });

    expect(outcome).toMatchObject({ status: 'not-modified', etag: '"kept"', lastModified: 'Wed, 22 Oct 2025 10:00:00 GMT' });
  });
});

describe('fetchFeed: redirects', () => {
  it('follows 301 → 302 → 200, reporting every hop and the final URL', async () => {
    const final = server.route('/final.xml', { body: RSS });
    const middle = server.route('/moved.xml', { status: 302, redirect: final });
    const start = server.route('/old.xml', { status: 301, redirect: middle });

    const outcome = await fetchFeed(start);

    expect(outcome).toMatchObject({ status: 'ok', http: 200, url: final, redirects: [middle, final] });
    expect(server.requests().map((r) => r.path)).toEqual(['/old.xml', '/moved.xml', '/final.xml']);
  });

  it.each([
    ['301 → 302 → 200: moved as far as the first target', [301, 302], 1],
    ['308 → 301 → 200: moved all the way', [308, 301], 2],
    ['302 → 301 → 200: a temporary first hop moves nothing', [302, 301], 0],
    ['307 → 200: not moved', [307], 0],
  ] as const)('reports where permanent redirects led, %s', async (_case, statuses, permanentHops) => {
    const final = server.route('/hop-end.xml', { body: RSS });
    const urls = statuses.map((_status, hop) => server.url(`/hop${hop}.xml`));
    statuses.forEach((status, hop) => server.route(`/hop${hop}.xml`, { status, redirect: urls[hop + 1] ?? final }));

    const outcome = await fetchFeed(urls[0]!);

    expect(outcome).toMatchObject({ status: 'ok', url: final, movedTo: permanentHops === 0 ? null : [...urls, final][permanentHops] });
  });

  it('resolves a relative Location against the URL that sent it, for 307 and 308 alike', async () => {
    server.route('/feeds/new.xml', { body: RSS });
    server.route('/feeds/temp', { status: 307, redirect: 'new.xml' });
    const start = server.route('/old', { status: 308, redirect: '/feeds/temp' });

    const outcome = await fetchFeed(start);

    expect(outcome).toMatchObject({ status: 'ok', url: server.url('/feeds/new.xml') });
  });

  it('stops a redirect loop as soon as a URL comes back', async () => {
    const a = server.route('/a', { redirect: '/b' });
    server.route('/b', { redirect: '/a' });

    const outcome = await fetchFeed(a);

    expect(outcome).toMatchObject({ status: 'error', kind: 'redirect-loop', http: 302, url: server.url('/b') });
    expect(server.requests()).toHaveLength(2);
  });

  it('follows at most maxRedirects (5 by default): a sixth redirect is refused', async () => {
    for (let hop = 1; hop <= 6; hop++) server.route(`/r${hop}`, { status: 301, redirect: `/r${hop + 1}` });
    server.route('/r7', { body: RSS });

    const outcome = await fetchFeed(server.url('/r1'));

    expect(outcome).toMatchObject({ status: 'error', kind: 'too-many-redirects', http: 301, url: server.url('/r6') });
    assert(outcome.status === 'error');
    expect(outcome.redirects).toHaveLength(5);
    expect(server.requests('/r7')).toHaveLength(0);
  });

  it('follows exactly maxRedirects redirects', async () => {
    for (let hop = 1; hop <= 2; hop++) server.route(`/r${hop}`, { redirect: `/r${hop + 1}` });
    server.route('/r3', { body: RSS });

    expect(await fetchFeed(server.url('/r1'), { maxRedirects: 2 })).toMatchObject({ status: 'ok' });
    expect(await fetchFeed(server.url('/r1'), { maxRedirects: 1 })).toMatchObject({ kind: 'too-many-redirects' });
  });

  it('refuses a redirect to a scheme other than http or https', async () => {
    const url = server.route('/feed.xml', { redirect: 'file:///etc/passwd' });

    expect(await fetchFeed(url)).toMatchObject({ status: 'error', kind: 'invalid-url', http: 302 });
  });

  it('treats a redirect without Location as an HTTP error', async () => {
    const url = server.route('/feed.xml', { status: 301 });

    expect(await fetchFeed(url)).toMatchObject({ status: 'error', kind: 'http', http: 301 });
  });
});

describe('fetchFeed: error statuses', () => {
  it.each([
    [404, 'not-found'],
    [410, 'gone'],
    [500, 'http'],
    [403, 'http'],
  ] as const)('reports HTTP %i as %s, ignoring any Retry-After', async (status, kind) => {
    const url = server.route('/feed.xml', { status, body: 'oops', headers: { 'retry-after': '60' } });

    const outcome = await fetchFeed(url);

    expect(outcome).toMatchObject({ status: 'error', kind, http: status, retryAfterMs: null, url });
    assert(outcome.status === 'error');
    expect(outcome.message).toMatch(/^\S.*\.$/);
  });

  it('reports 429 with Retry-After in seconds as rate-limited, with the wait in ms', async () => {
    const url = server.route('/feed.xml', { status: 429, headers: { 'retry-after': '120' } });

    const outcome = await fetchFeed(url);

    expect(outcome).toMatchObject({ status: 'error', kind: 'rate-limited', http: 429, retryAfterMs: 120_000 });
    assert(outcome.status === 'error');
    expect(outcome.message).toMatch(/retry in 120 s/);
  });

  it('reports 429 with Retry-After as an HTTP-date as the time left until then', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 90_000);
    const url = server.route('/feed.xml', { status: 429, headers: { 'retry-after': at.toUTCString() } });

    const outcome = await fetchFeed(url);

    assert(outcome.status === 'error' && outcome.kind === 'rate-limited');
    expect(outcome.retryAfterMs).toBeGreaterThan(85_000);
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(91_000);
  });

  it('reports 429 without Retry-After as rate-limited with no wait given', async () => {
    const url = server.route('/feed.xml', { status: 429 });

    expect(await fetchFeed(url)).toMatchObject({ kind: 'rate-limited', retryAfterMs: null });
  });

  it('reports 503 with Retry-After as rate-limited', async () => {
    const url = server.route('/feed.xml', { status: 503, headers: { 'retry-after': '30' } });

    expect(await fetchFeed(url)).toMatchObject({ status: 'error', kind: 'rate-limited', http: 503, retryAfterMs: 30_000 });
  });

  it.each([[{}], [{ 'retry-after': 'later' }]])(
    'reports 503 without a readable Retry-After (%j) as an HTTP error',
    async (headers) => {
      const url = server.route('/feed.xml', { status: 503, headers });

      expect(await fetchFeed(url)).toMatchObject({ status: 'error', kind: 'http', http: 503, retryAfterMs: null });
    },
  );

  it('reads only the start of a large error body and cuts the rest off', async () => {
    const url = server.route('/feed.xml', { status: 500, size: 4 * MB });

    const outcome = await fetchFeed(url);

    expect(outcome).toMatchObject({ status: 'error', kind: 'http', http: 500 });
    assert(outcome.status === 'error');
    expect(outcome.bytes).toBeLessThan(256 * 1024);
    await server.settled();
    expect(server.requests('/feed.xml')[0]?.end).toBe('client-closed');
  });
});

describe('fetchFeed: the total timeout', () => {
  // These use a shared dispatcher, which outlives the call: only the abort itself can close the connection.
  it('gives up on headers that come too late, and closes the connection', async () => {
    const url = server.route('/slow.xml', { body: RSS, delayMs: 5_000 });
    const dispatcher = createFeedDispatcher();

    const outcome = await fetchFeed(url, { totalTimeoutMs: 200, dispatcher });

    expect(outcome).toMatchObject({ status: 'error', kind: 'timeout', http: null });
    assert(outcome.status === 'error');
    expect(outcome.ms).toBeGreaterThanOrEqual(190);
    expect(outcome.ms).toBeLessThan(1_500);
    await server.idle();
    expect(server.requests('/slow.xml')[0]?.end).toBe('client-closed');
    await dispatcher.close();
  });

  it('gives up on a body that drips in slower than the deadline, and closes the connection', async () => {
    const url = server.route('/drip.xml', { body: RSS, drip: { bytes: 16, everyMs: 40 } });
    const dispatcher = createFeedDispatcher();

    const outcome = await fetchFeed(url, { totalTimeoutMs: 300, dispatcher });

    expect(outcome).toMatchObject({ status: 'error', kind: 'timeout', http: 200 });
    assert(outcome.status === 'error');
    expect(outcome.bytes).toBeGreaterThan(0);
    expect(outcome.bytes).toBeLessThan(Buffer.byteLength(RSS));
    expect(outcome.ms).toBeLessThan(1_500);
    await server.idle();
    expect(server.requests('/drip.xml')[0]?.end).toBe('client-closed');
    await dispatcher.close();
  });

  it('reports a fetch cancelled through its signal as a network failure', async () => {
    const url = server.route('/slow.xml', { body: RSS, delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const outcome = await fetchFeed(url, { signal: controller.signal });

    expect(outcome).toMatchObject({ status: 'error', kind: 'network', message: 'The fetch was cancelled.' });
  });
});

describe('fetchFeed: the byte cap', () => {
  it('stops reading a streamed body (no Content-Length) as soon as it passes the cap', async () => {
    const url = server.route('/huge.xml', { size: 20 * MB, contentLength: false });

    const outcome = await fetchFeed(url, { maxBytes: 1 * MB });

    expect(outcome).toMatchObject({ status: 'error', kind: 'too-large', http: 200 });
    assert(outcome.status === 'error');
    expect(outcome.bytes).toBeGreaterThan(1 * MB);
    expect(outcome.bytes).toBeLessThan(1.5 * MB);
    await server.settled();
    const [request] = server.requests('/huge.xml');
    expect(request?.end).toBe('client-closed');
    expect(request?.bodyBytes).toBeLessThan(10 * MB);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const url = server.route('/huge.xml', { size: 20 * MB });

    const outcome = await fetchFeed(url, { maxBytes: 1 * MB });

    expect(outcome).toMatchObject({ status: 'error', kind: 'too-large', http: 200, bytes: 0 });
    await server.settled();
    expect(server.requests('/huge.xml')[0]?.end).toBe('client-closed');
    expect(server.requests('/huge.xml')[0]?.bodyBytes).toBeLessThan(10 * MB);
  });

  it('applies the cap to decompressed bytes too, so a gzip bomb is refused', async () => {
    const url = server.route('/bomb.xml', { body: Buffer.alloc(20 * MB), encoding: 'gzip' });

    const outcome = await fetchFeed(url, { maxBytes: 1 * MB });

    expect(outcome).toMatchObject({ status: 'error', kind: 'too-large', http: 200 });
    assert(outcome.status === 'error');
    expect(outcome.message).toMatch(/decompresses/);
    expect(outcome.bytes).toBeLessThan(100 * 1024);
  });

  it('accepts a body of exactly the cap', async () => {
    const url = server.route('/exact.xml', { size: 64 * 1024, contentLength: false });

    const outcome = await fetchFeed(url, { maxBytes: 64 * 1024 });

    expect(outcome).toMatchObject({ status: 'ok', bytes: 64 * 1024 });
  });
});

describe('fetchFeed: compressed bodies', () => {
  it.each(['gzip', 'deflate', 'br'] as const)('decodes %s and counts the compressed bytes on the wire', async (encoding) => {
    const url = server.route('/feed.xml', { body: RSS, encoding });

    const outcome = await fetchFeed(url);

    assert(outcome.status === 'ok');
    expect(outcome.body.toString('utf8')).toBe(RSS);
    expect(outcome.bytes).toBe(server.requests('/feed.xml')[0]?.bodyBytes);
    expect(outcome.bytes).toBeLessThan(Buffer.byteLength(RSS) / 2);
  });

  it('reports a corrupt gzip body as a network failure', async () => {
    const corrupt = zlib.gzipSync(RSS);
    corrupt.fill(0x41, 20, 60);
    const url = server.route('/feed.xml', { body: corrupt, headers: { 'content-encoding': 'gzip' } });

    const outcome = await fetchFeed(url);

    expect(outcome).toMatchObject({ status: 'error', kind: 'network', http: 200 });
    assert(outcome.status === 'error');
    expect(outcome.message).toMatch(/could not be decompressed/);
  });

  it.each(['zstd', 'constructor'])('reports an encoding it cannot decode (%s) as a network failure', async (encoding) => {
    const url = server.route('/feed.xml', { body: RSS, headers: { 'content-encoding': encoding } });

    const outcome = await fetchFeed(url);

    expect(outcome).toMatchObject({ status: 'error', kind: 'network', http: 200, bytes: 0 });
    assert(outcome.status === 'error');
    expect(outcome.message).toContain(`unsupported content encoding "${encoding}"`);
  });
});

describe('fetchFeed: broken connections', () => {
  it('reports a body cut short of its Content-Length as a network failure', async () => {
    const url = server.route('/feed.xml', { body: RSS, closeAfterBytes: 500 });

    const outcome = await fetchFeed(url);

    expect(outcome).toMatchObject({ status: 'error', kind: 'network', http: 200, bytes: 500 });
    expect(server.requests('/feed.xml')[0]?.end).toBe('server-closed');
  });

  it('reports a refused connection as a connect failure', async () => {
    const closed = await startFeedServer();
    const url = closed.url('/feed.xml');
    await closed.close();

    expect(await fetchFeed(url)).toMatchObject({ status: 'error', kind: 'connect', http: null, url });
  });
});

describe('fetchFeed: URLs', () => {
  it.each(['ftp://example.org/feed.xml', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', ''])(
    'refuses %j as invalid-url without connecting',
    async (url) => {
      const outcome = await fetchFeed(url);

      expect(outcome).toMatchObject({ status: 'error', kind: 'invalid-url', http: null, bytes: 0, redirects: [] });
    },
  );
});

describe('fetchFeed: a password in the URL', () => {
  const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;
  const withPassword = (url: string, userinfo: string) => url.replace('http://', `http://${userinfo}@`);

  it('is sent as Basic auth, percent-decoded, and kept on a redirect within the same origin', async () => {
    const target = server.route('/private.xml', { body: RSS });
    server.route('/moved.xml', { status: 301, redirect: target });

    const outcome = await fetchFeed(withPassword(server.url('/moved.xml'), 'lector:s3%40cr3t'));

    expect(outcome).toMatchObject({ status: 'ok', http: 200 });
    expect(server.requests().map((request) => request.headers.authorization)).toEqual([basic('lector:s3@cr3t'), basic('lector:s3@cr3t')]);
  });

  it('is never sent to another origin a redirect leads to', async () => {
    const other = await startFeedServer();
    try {
      const target = other.route('/feed.xml', { body: RSS });
      server.route('/elsewhere.xml', { status: 302, redirect: target });

      expect(await fetchFeed(withPassword(server.url('/elsewhere.xml'), 'lector:s3cr3t'))).toMatchObject({ status: 'ok' });
      expect(server.requests()[0]?.headers.authorization).toBe(basic('lector:s3cr3t'));
      expect(other.requests()[0]?.headers.authorization).toBeUndefined();
      await other.idle();
    } finally {
      await other.close();
    }
  });
});

describe('fetchFeed: checkAddress', () => {
  const refuseLoopback = (ip: string): string | null => (ip === '127.0.0.1' || ip === '::1' ? 'loopback is private' : null);

  it('refuses an IP literal it rejects before connecting', async () => {
    const url = server.route('/feed.xml', { body: RSS });

    const outcome = await fetchFeed(url, { checkAddress: refuseLoopback });

    expect(outcome).toMatchObject({ status: 'error', kind: 'blocked-address', http: null });
    assert(outcome.status === 'error');
    expect(outcome.message).toBe('Refused to connect to 127.0.0.1: loopback is private.');
    expect(server.requests()).toHaveLength(0);
  });

  it('checks the address a host name resolves to, inside the connect step', async () => {
    server.route('/feed.xml', { body: RSS });
    const url = `http://localhost:${server.port}/feed.xml`;
    const checkAddress = vi.fn(refuseLoopback);

    const outcome = await fetchFeed(url, { checkAddress });

    expect(outcome).toMatchObject({ status: 'error', kind: 'blocked-address' });
    expect(checkAddress).toHaveBeenCalledWith('127.0.0.1', 4);
    expect(server.requests()).toHaveLength(0);
  });

  it('connects to the resolved address it allowed', async () => {
    server.route('/feed.xml', { body: RSS });
    const checkAddress = vi.fn((_ip: string, _family: 4 | 6): string | null => null);

    const outcome = await fetchFeed(`http://localhost:${server.port}/feed.xml`, { checkAddress });

    expect(outcome).toMatchObject({ status: 'ok' });
    expect(checkAddress).toHaveBeenCalledWith('127.0.0.1', 4);
  });

  it('checks the new connection of every redirect hop, and can refuse 127.0.0.1 there', async () => {
    const other = await startFeedServer();
    try {
      const target = other.route('/feed.xml', { body: RSS });
      const start = server.route('/moved.xml', { status: 301, redirect: target });
      const checked: string[] = [];
      // Allows the first host, then refuses: the hop to another host is a new connection, checked anew.
      const checkAddress = (ip: string): string | null => (checked.push(ip) === 1 ? null : 'loopback is private');

      const outcome = await fetchFeed(start, { checkAddress });

      expect(outcome).toMatchObject({ status: 'error', kind: 'blocked-address', http: null, url: target, redirects: [target] });
      expect(checked).toEqual(['127.0.0.1', '127.0.0.1']);
      expect(server.requests('/moved.xml')).toHaveLength(1);
      expect(other.requests()).toHaveLength(0);
      await other.idle();
    } finally {
      await other.close();
    }
  });

  it('applies the check of a shared dispatcher made by createFeedDispatcher', async () => {
    const url = server.route('/feed.xml', { body: RSS });
    const dispatcher = createFeedDispatcher({ checkAddress: refuseLoopback });

    expect(await fetchFeed(url, { dispatcher })).toMatchObject({ kind: 'blocked-address' });
    expect(await fetchFeed(url, { dispatcher, checkAddress: refuseLoopback })).toMatchObject({ kind: 'blocked-address' });
    await dispatcher.close();
  });

  it('throws (a wiring bug) when given a check that the shared dispatcher would not run', async () => {
    const url = server.route('/feed.xml', { body: RSS });
    const dispatcher = createFeedDispatcher();

    await expect(fetchFeed(url, { dispatcher, checkAddress: refuseLoopback })).rejects.toThrow(TypeError);
    await dispatcher.close();
  });
});

describe('fetchFeed: a shared dispatcher', () => {
  it('reuses one connection across fetches, even after an error status', async () => {
    server.route('/missing.xml', { status: 404, body: 'not here' });
    const url = server.route('/feed.xml', { body: RSS });
    const dispatcher = createFeedDispatcher();

    // undici hands a socket back one event-loop turn after its response completes.
    const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await fetchFeed(url, { dispatcher });
    await nextTurn();
    await fetchFeed(server.url('/missing.xml'), { dispatcher });
    await nextTurn();
    await fetchFeed(url, { dispatcher });

    expect(server.requests().map((r) => r.connection)).toEqual([1, 1, 1]);
    await dispatcher.close();
  });
});
