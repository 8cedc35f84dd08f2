import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSearchPage } from '../../../src/discord/command-options.js';
import { messageViolations } from '../../../src/digest/split-messages.js';
import { seedItems, type SeedItem } from '../../digest/seed-store.js';
import type { Answer } from '../../peers/fake-discord.js';
import { freshUser, startHarness, type Harness } from './harness.js';

const HOUR = 3_600_000;

/** Items seeded oldest first (ids rise with time, as polling stores them). */
function corpus(now: number): SeedItem[] {
  const items: SeedItem[] = [
    { title: 'Mercosur: archivo de una cumbre vieja', outlet: 'Archivo', themes: { 'regional-integration': 0.6 }, publishedAt: now - 40 * 24 * HOUR },
  ];
  for (let i = 24; i >= 0; i--) {
    items.push({
      title: `Mercosur reunión técnica número ${i}`,
      outlet: `Medio ${i % 3}`,
      themes: { 'regional-integration': 0.7 },
      publishedAt: now - (i + 2) * HOUR,
    });
  }
  items.push(
    { title: 'Integración regional: la CELAC y la Unasur vuelven a reunirse', outlet: 'El País', themes: { 'regional-integration': 0.9 }, publishedAt: now - 90 * 60_000 },
    { title: 'União Europeia e Mercosul assinam acordo comercial', outlet: 'Agência Brasil', language: 'pt', themes: { 'trade-tariffs': 0.9 }, publishedAt: now - 80 * 60_000 },
    { title: 'Venezuela defiende su SOBERANÍA energética', outlet: 'Efecto Cocuyo', themes: { 'resources-autonomy': 0.8 }, publishedAt: now - 70 * 60_000 },
    { title: '@everyone **Maduro** denuncia [agresión](https://evil.example) <@123>', outlet: 'BBC Mundo', themes: { 'us-venezuela': 0.8 }, publishedAt: now - 60 * 60_000 },
    // Off-topic and the newest of all: classified, on no theme.
    { title: 'Fútbol: Peñarol gana el clásico', outlet: 'Deportes Ya', themes: {}, publishedAt: now - 30 * 60_000 },
  );
  return items;
}

/** The numbered result lines of an answer's embed. */
function resultLines(answer: Answer): string[] {
  const description: string = answer.body.embeds?.[0]?.description ?? '';
  return description.split('\n').filter((line) => /^\*\*\d+\.\*\* /.test(line));
}

function withinLimits(answer: Answer): void {
  const body = answer.body;
  expect(body.allowed_mentions).toEqual({ parse: [] });
  expect(messageViolations({ content: body.content ?? '', embeds: body.embeds ?? [], allowed_mentions: body.allowed_mentions })).toEqual(
    body.content || body.embeds?.length ? [] : ['empty message'],
  );
}

describe('/news through the fake Discord', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ searchLimit: { limit: 5, windowMs: 60_000 } });
    await seedItems(h.ctx.store, corpus(Date.now()));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('searches privately: an ephemeral defer, then 10 results a page with Previous and Next buttons', async () => {
    const user = freshUser();
    const first = await h.run('news', { subcommand: 'search', options: { query: 'mercosur' }, userId: user });
    expect(first.record.callbacks).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(first.ephemeral).toBe(true);
    withinLimits(first);
    const page1 = resultLines(first);
    expect(page1).toHaveLength(10);
    expect(page1[0]).toMatch(/^\*\*1\.\*\* \[Mercosur reunión técnica número 0\]\(https:\/\/medio-0\.example\/news\/\d+-/);
    expect(first.body.embeds[0].description).toMatch(/^“mercosur”\n\n/);
    expect(first.body.embeds[0].footer.text).toBe('Page 1 · results 1–10 · more on the next page');
    const [previous, next] = first.body.components[0].components;
    expect(previous).toMatchObject({ type: 2, label: '◀ Previous', disabled: true });
    expect(next).toMatchObject({ type: 2, label: 'Next ▶', disabled: false });
    expect(decodeSearchPage(next.custom_id)).toEqual({ ok: true, value: { query: 'mercosur', page: 1 } });

    const second = await h.fake.answer(h.fake.click(next.custom_id, first.record, { userId: user }));
    expect(second.record.callbacks).toEqual([{ type: 6 }]);
    const page2 = resultLines(second);
    expect(page2.map((line) => line.slice(0, 6))).toEqual(['**11.*', '**12.*', '**13.*', '**14.*', '**15.*', '**16.*', '**17.*', '**18.*', '**19.*', '**20.*']);
    expect(second.body.embeds[0].footer.text).toBe('Page 2 · results 11–20 · more on the next page');

    const third = await h.fake.answer(h.fake.click(second.body.components[0].components[1].custom_id, second.record.original ? second.record : first.record, { userId: user }));
    const page3 = resultLines(third);
    expect(page3).toHaveLength(6); // 25 meetings and the archive: 26 results in all
    expect(third.body.components[0].components[1].disabled).toBe(true);
    const titles = [...page1, ...page2, ...page3].map((line) => line.replace(/^\*\*\d+\.\*\* /, ''));
    expect(new Set(titles).size).toBe(26);
    expect(page3.at(-1)).toContain('archivo de una cumbre vieja'); // the oldest ranks last

    const back = await h.fake.answer(h.fake.click(third.body.components[0].components[0].custom_id, third.record, { userId: user }));
    expect(resultLines(back)).toEqual(page2);
  });

  it.each([
    ['integracion', 'Integración regional: la CELAC'],
    ['uniao europeia', 'União Europeia e Mercosul'],
    ['soberania', 'SOBERANÍA energética'],
    ['INTEGRACIÓN', 'Integración regional'],
  ])('finds accented text with an unaccented query: %s', async (query, expected) => {
    const answer = await h.run('news', { subcommand: 'search', options: { query }, userId: freshUser() });
    expect(resultLines(answer)[0]).toContain(expected);
  });

  it('finds with accents typed as combining characters what the composed letters find', async () => {
    for (const [composed, decomposed] of <[string, string][]>[
      ['Integración regional', 'Integracio\u0301n regional'],
      ['soberanía', 'soberani\u0301a'],
      ['União', 'Unia\u0303o'],
    ]) {
      expect(decomposed).not.toBe(composed);
      const precomposed = await h.run('news', { subcommand: 'search', options: { query: composed }, userId: freshUser() });
      const combining = await h.run('news', { subcommand: 'search', options: { query: decomposed }, userId: freshUser() });
      expect(resultLines(precomposed).length).toBeGreaterThan(0);
      expect(resultLines(combining)).toEqual(resultLines(precomposed));
      // What the person typed is quoted back composed, as they see it.
      expect(combining.body.embeds[0].description.split('\n')[0]).toBe(`“${composed}”`);
    }
  });

  it('narrows by theme, days and language', async () => {
    const byTheme = await h.run('news', { subcommand: 'search', options: { query: 'mercosul', theme: 'trade-tariffs' }, userId: freshUser() });
    expect(resultLines(byTheme)).toHaveLength(1);
    expect(byTheme.body.embeds[0].description).toMatch(/^“mercosul” · theme: Trade agreements, tariffs and market access\n/);
    const recent = await h.run('news', { subcommand: 'search', options: { query: 'mercosur', days: 7 }, userId: freshUser() });
    expect(recent.body.embeds[0].footer.text).toBe('Page 1 · results 1–10 · more on the next page');
    const user = freshUser();
    const week = await h.run('news', { subcommand: 'search', options: { query: 'mercosur', days: 7, language: 'es' }, userId: user });
    const lastPage = await h.fake.answer(h.fake.click(week.body.components[0].components[1].custom_id, week.record, { userId: user }));
    const final = await h.fake.answer(h.fake.click(lastPage.body.components[0].components[1].custom_id, lastPage.record, { userId: user }));
    expect(resultLines(final)).toHaveLength(5); // the 40-day-old archive is outside 7 days
    const portuguese = await h.run('news', { subcommand: 'search', options: { query: 'mercosul', language: 'pt' }, userId: freshUser() });
    expect(resultLines(portuguese)[0]).toContain('· pt ·');
    const none = await h.run('news', { subcommand: 'search', options: { query: 'mercosul', language: 'en' }, userId: freshUser() });
    expect(none.body.content).toBe('Nothing stored matches “mercosul” · language: en. Try fewer or other words, or drop a filter; accents do not matter.');
    expect(none.body.components).toEqual([]);
  });

  it.each<[string, Record<string, string | number>, string]>([
    ['a one-letter query', { query: 'x' }, 'Type at least two characters to search for.'],
    ['punctuation only', { query: '¿¡…!?' }, 'Search for words: the query needs at least one letter or digit.'],
    ['a query too long', { query: 'palabra '.repeat(12) }, 'Keep the search under 80 characters.'],
    ['an unknown theme', { query: 'mercosur', theme: 'fútbol *y* @here' }, 'There is no theme called “fútbol \\*y\\* @here”. Pick one from the list (start typing to filter it).'],
    ['days out of range', { query: 'mercosur', days: 0 }, 'Give days as a whole number from 1 to 365.'],
    ['days not whole', { query: 'mercosur', days: 2.5 }, 'Give days as a whole number from 1 to 365.'],
    ['an unknown language', { query: 'mercosur', language: 'fr' }, 'The language must be es (Spanish), pt (Portuguese) or en (English).'],
  ])('answers %s with a plain ephemeral sentence, before any work', async (_case, options, message) => {
    const answer = await h.run('news', { subcommand: 'search', options, userId: freshUser() });
    expect(answer.callbackType).toBe(4);
    expect(answer.ephemeral).toBe(true);
    expect(answer.body.content).toBe(message);
    expect(answer.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('accepts a theme typed by any name Sancocho shows: a digest heading or the /themes name', async () => {
    for (const theme of ['comercio y aranceles', 'Comércio e tarifas', 'Trade agreements, tariffs and market access']) {
      const answer = await h.run('news', { subcommand: 'search', options: { query: 'mercosul', theme }, userId: freshUser() });
      expect([theme, resultLines(answer)]).toEqual([theme, [expect.stringContaining('União Europeia e Mercosul')]]);
    }
    const latest = await h.run('news', { subcommand: 'latest', options: { theme: 'Trade agreements, tariffs and market access' } });
    expect(latest.body.embeds[0].title).toBe('Latest: Trade agreements, tariffs and market access');
  });

  it('limits searches per user, pages included, and tells how long to wait', async () => {
    const user = freshUser();
    for (let i = 0; i < 5; i++) {
      const answer = await h.run('news', { subcommand: 'search', options: { query: `reunión ${i}` }, userId: user });
      expect(answer.callbackType).toBe(5);
    }
    const limited = await h.run('news', { subcommand: 'search', options: { query: 'mercosur' }, userId: user });
    expect(limited.callbackType).toBe(4);
    expect(limited.ephemeral).toBe(true);
    expect(limited.body.content).toMatch(/^You are searching faster than Sancocho allows \(5 searches every 60 seconds\)\. Try again in \d+ s\.$/);
    const other = await h.run('news', { subcommand: 'search', options: { query: 'mercosur' }, userId: freshUser() });
    expect(other.callbackType).toBe(5);
    // /news latest is not a search.
    expect((await h.run('news', { subcommand: 'latest', userId: user })).callbackType).toBe(5);
  });

  it('refuses a forged or stale page button with a plain sentence', async () => {
    const first = await h.run('news', { subcommand: 'search', options: { query: 'mercosur' }, userId: freshUser() });
    for (const forged of ['news:p:zz:9::xx:mercosur', 'news:p:1::::', 'other:thing', 'news:p:1:::fr:mercosur']) {
      const answer = await h.fake.answer(h.fake.click(forged, first.record));
      expect(answer.callbackType).toBe(4);
      expect(answer.ephemeral).toBe(true);
      expect(answer.body.content).toMatch(/^This button no longer works\./);
    }
  });

  it('/news latest: the newest classified items in public, escaped, pinging no one', async () => {
    const answer = await h.run('news', { subcommand: 'latest', options: { count: 3 } });
    expect(answer.record.callbacks).toEqual([{ type: 5, data: { flags: 0 } }]);
    expect(answer.ephemeral).toBe(false);
    withinLimits(answer);
    const lines = resultLines(answer);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\*\*1\.\*\* \[@everyone \\\*\\\*Maduro\\\*\\\* denuncia \\\[agresión\\\]\(https:\/\/evil\.example\) \\<@123\\>\]\(https:\/\/bbc-mundo\.example\//);
    expect(lines[1]).toContain('SOBERANÍA energética');
    expect(answer.body.embeds[0]).toMatchObject({
      title: 'Latest news',
      footer: { text: 'The 3 newest items on a theme (include: all shows off-topic ones too)' },
    });
    expect(answer.body.embeds[0].description).not.toContain('Peñarol');

    const everything = await h.run('news', { subcommand: 'latest', options: { count: 3, include: 'all' } });
    expect(resultLines(everything)[0]).toContain('Fútbol: Peñarol gana el clásico');
    const unnumbered = (line: string) => line.replace(/^\*\*\d+\.\*\* /, '');
    expect(resultLines(everything).slice(1).map(unnumbered)).toEqual(lines.slice(0, 2).map(unnumbered));
    expect(everything.body.embeds[0].footer.text).toBe('The 3 newest classified items, off-topic ones included');

    const themed = await h.run('news', { subcommand: 'latest', options: { theme: 'regional-integration' } });
    expect(resultLines(themed)).toHaveLength(10);
    expect(themed.body.embeds[0].title).toBe('Latest: Regional integration and its institutions');
    expect(resultLines(themed)[0]).toContain('Integración regional: la CELAC');

    const tooMany = await h.run('news', { subcommand: 'latest', options: { count: 50 } });
    expect(tooMany).toMatchObject({ callbackType: 4, ephemeral: true, body: { content: 'Give count as a whole number from 1 to 20.' } });
  });

  it('autocompletes themes by id or name, accents ignored, at most 25', async () => {
    const trade = await h.fake.answer(h.fake.autocomplete('news', { subcommand: 'search', options: { query: 'x', theme: 'TRADE' }, focused: 'theme' }));
    expect(trade.callbackType).toBe(8);
    expect(trade.body.choices).toEqual([{ name: 'Trade agreements, tariffs and market access', value: 'trade-tariffs' }]);
    const venezuela = await h.fake.answer(h.fake.autocomplete('news', { subcommand: 'latest', options: { theme: 'venez' }, focused: 'theme' }));
    expect(venezuela.body.choices.map((c: { value: string }) => c.value)).toEqual(['us-venezuela', 'venezuela-crisis']);
    const all = await h.fake.answer(h.fake.autocomplete('news', { subcommand: 'latest', options: { theme: '' }, focused: 'theme' }));
    expect(all.body.choices).toHaveLength(9);
  });
});
