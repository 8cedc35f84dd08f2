import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../../src/core/themes.js';
import { messageViolations } from '../../../src/digest/split-messages.js';
import { decodeSearchPage } from '../../../src/discord/command-options.js';
import {
  apology,
  describeRoutes,
  hitLine,
  notice,
  renderFeedList,
  renderFeedStatus,
  renderLatest,
  renderSearchPage,
  renderThemes,
  type FeedWithItems,
  type Reply,
  type ThemeInfo,
} from '../../../src/discord/render-results.js';
import type { FeedRow } from '../../../src/core/feed.js';
import type { SearchHit } from '../../../src/core/search.js';

const AT = Date.UTC(2026, 4, 3, 12);
const THEMES: ThemeInfo[] = THEME_IDS.map((id) => ({ id, name: `Theme ${id}`, description: '' }));

function violations(reply: Reply): string[] {
  return messageViolations({ content: reply.content, embeds: reply.embeds as never, allowed_mentions: reply.allowedMentions });
}

const hit = (overrides: Partial<SearchHit> = {}): SearchHit => ({
  id: 1,
  title: 'Mercosur y la UE firman',
  url: 'https://a.example/1',
  source: null,
  feedName: 'Diario A',
  language: 'es',
  publishedAt: AT,
  ...overrides,
});

const absurd = (index: number): SearchHit =>
  hit({
    id: index,
    title: `@everyone **${'Ñ'.repeat(50)}** [x](https://evil.example) <@&1> \`code\` ||spoiler|| ${'_'.repeat(500)} ${index}`,
    url: `https://a.example/${'x'.repeat(index % 2 === 0 ? 1800 : 60)}?q=(a)<b>`,
    source: `<@123> ${'*'.repeat(200)}`,
  });

const feed = (overrides: Partial<FeedRow> = {}): FeedRow => ({
  id: 1,
  url: 'https://a.example/rss',
  name: 'Diario A',
  language: 'es',
  intervalMinutes: null,
  origin: 'config',
  guildId: null,
  status: 'active',
  etag: null,
  lastModified: null,
  nextDueAt: AT,
  lastPolledAt: AT,
  lastSuccessAt: AT,
  lastHttpStatus: 200,
  consecutiveErrors: 0,
  lastErrorKind: null,
  lastErrorMessage: null,
  lastErrorAt: null,
  createdAt: 0,
  movedTo: null,
  movedSeen: 0,
  originalUrl: null,
  ...overrides,
});

describe('rendering command replies', () => {
  it('a result line links the title, escapes what came from the feed, and carries a Discord timestamp', () => {
    expect(hitLine(3, hit({ title: 'El *gran* [acuerdo]', source: 'El País' }))).toBe(
      `**3.** [El \\*gran\\* \\[acuerdo\\]](https://a.example/1) — El País · es · <t:${AT / 1000}:R>`,
    );
    expect(hitLine(1, hit({ url: 'javascript:alert(1)' }))).toBe(`**1.** Mercosur y la UE firman — Diario A · es · <t:${AT / 1000}:R>`);
    expect(hitLine(1, hit({ title: '   ' }))).toMatch(/^\*\*1\.\*\* \[\(untitled\)\]/);
  });

  it('a page of absurd results stays within every limit, escaped, with working buttons', () => {
    const hits = Array.from({ length: 10 }, (_, index) => absurd(index));
    const reply = renderSearchPage({ query: 'ñandú *y* @everyone', page: 2, theme: 'china-latam', days: 30 }, { hits, more: true }, THEMES);
    expect(violations(reply)).toEqual([]);
    const description = reply.embeds[0]?.description ?? '';
    expect(description.startsWith('“ñandú \\*y\\* @everyone” · theme: Theme china-latam · last 30 days\n\n')).toBe(true);
    const lines = description.split('\n').slice(2);
    expect(lines.map((line) => line.match(/^\*\*(\d+)\.\*\*/)?.[1])).toEqual(['21', '22', '23', '24', '25', '26', '27', '28', '29', '30']);
    for (const line of lines) {
      expect(line).toMatch(/<t:\d+:R>$/);
      expect(line).not.toMatch(/(?<!\\)<@/);
      expect(line).not.toMatch(/(?<!\\)\*\*Ñ/);
    }
    expect(lines.filter((line) => line.includes('](https://a.example/x'))).toHaveLength(5); // the 60-char URLs; the 1800-char ones are dropped
    expect(description).toContain('?q=%28a%29%3Cb%3E');
    expect(reply.embeds[0]?.footer?.text).toBe('Page 3 · results 21–30 · more on the next page');
    const buttons = reply.components[0]?.components ?? [];
    expect(buttons.map((button) => [button.label, button.disabled, button.custom_id.length <= 100])).toEqual([
      ['◀ Previous', false, true],
      ['Next ▶', false, true],
    ]);
    expect(buttons.map((button) => decodeSearchPage(button.custom_id))).toEqual([
      { ok: true, value: { query: 'ñandú *y* @everyone', page: 1, theme: 'china-latam', days: 30 } },
      { ok: true, value: { query: 'ñandú *y* @everyone', page: 3, theme: 'china-latam', days: 30 } },
    ]);
  });

  it('one page of results has no buttons; an empty later page keeps Previous', () => {
    expect(renderSearchPage({ query: 'celac', page: 0 }, { hits: [hit()], more: false }, THEMES).components).toEqual([]);
    const empty = renderSearchPage({ query: 'celac', page: 4 }, { hits: [], more: false }, THEMES);
    expect(empty.content).toBe('No more results for “celac”.');
    expect(empty.components[0]?.components.map((b) => [b.label, b.disabled])).toEqual([
      ['◀ Previous', false],
      ['Next ▶', true],
    ]);
  });

  it('latest, themes, feeds and routes stay within limits however large their input', () => {
    const latest = renderLatest(Array.from({ length: 20 }, (_, index) => absurd(index)), { theme: 'trade-tariffs', include: 'on-topic' }, THEMES);
    expect(violations(latest)).toEqual([]);
    expect(latest.embeds[0]?.title).toBe('Latest: Theme trade-tariffs');

    const themes = renderThemes(
      THEMES.map((theme) => ({ ...theme, name: `${theme.name} ${'**'.repeat(200)}` })),
      new Map([['trade-tariffs', { day: 3, week: 12 }]]),
    );
    expect(violations(themes)).toEqual([]);
    expect(themes.embeds[0]?.description).toContain('`trade-tariffs`\n24 h: **3** · 7 days: **12**');

    const many: FeedWithItems[] = Array.from({ length: 500 }, (_, index) => ({
      ...feed({ id: index, name: `Diario ${'_'.repeat(300)} ${index}`, url: `https://host${index}.example/rss` }),
      items: index,
    }));
    const list = renderFeedList(many);
    expect(violations(list)).toEqual([]);
    expect(list.embeds[0]?.description).toMatch(/\n…and \d+ more \(`npx sancocho feeds` on the server lists them all\)\.$/);
    const status = renderFeedStatus(many.map((row, index) => ({ ...row, status: index % 3 === 0 ? 'failing' : 'active', consecutiveErrors: index % 5, lastErrorKind: 'http', lastErrorMessage: '<@1> '.repeat(100) })));
    expect(violations(status)).toEqual([]);
    expect(status.embeds[0]?.description?.split('\n')[2]).toMatch(/^🔴 /);

    const routes = describeRoutes(
      Array.from({ length: 300 }, (_, index) => ({ guildId: '1', theme: THEME_IDS[index % 9] ?? 'china-latam', channelId: String(100000000000000000n + BigInt(index)) })),
      THEMES,
    );
    expect(routes.length).toBeLessThanOrEqual(1500);
    expect(routes).toMatch(/…and \d+ more\.$/);
  });

  it('every reply parses no mentions; an apology carries only its reference', () => {
    for (const reply of [notice('@everyone hola'), apology('0a1b2c3d'), renderLatest([], { include: 'on-topic' }, THEMES), renderFeedList([]), renderFeedStatus([])]) {
      expect(reply.allowedMentions).toEqual({ parse: [] });
      expect(violations(reply)).toEqual([]);
    }
    expect(apology('0a1b2c3d').content).toBe(
      'Sorry, something went wrong on our side and this did not work. If it keeps happening, give the server admins this reference: `0a1b2c3d`.',
    );
    expect(notice('x'.repeat(5000)).content).toHaveLength(2000);
  });
});
