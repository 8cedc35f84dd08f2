import { describe, expect, it } from 'vitest';
import { cut, escapeMarkdown, linkTarget } from '../../src/digest/format-story.js';
import { renderDiscordDigest } from '../../src/digest/render-discord.js';
import { renderMarkdown } from '../../src/digest/render-markdown.js';
import { DISCORD_LIMITS, messageViolations } from '../../src/digest/split-messages.js';
import { digestOf, item, story } from './fixtures.js';

describe('escaping and capping', () => {
  it.each([
    ['*bold* _it_ ~~x~~ `code` |spoiler|', '\\*bold\\* \\_it\\_ \\~\\~x\\~\\~ \\`code\\` \\|spoiler\\|'],
    ['[fake](https://evil.example)', '\\[fake\\](https://evil.example)'],
    ['# heading\n> quote', '# heading \\> quote'],
    ['MercoPress (español)', 'MercoPress (español)'],
    ['<@123> and @everyone', '\\<@123\\> and @everyone'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapes %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it.each([
    ['https://a.example/x?q=1', 'https://a.example/x?q=1'],
    ['https://a.example/path (1)', 'https://a.example/path%20(1)'.replace('(', '%28').replace(')', '%29')],
    ['javascript:alert(1)', null],
    ['not a url', null],
    [`https://a.example/${'x'.repeat(2000)}`, null],
    [null, null],
  ])('links %s as %s', (url, expected) => {
    expect(linkTarget(url)).toBe(expected);
  });

  it('cuts with an ellipsis and never splits a surrogate pair', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(cut('abc', 4)).toBe('abc');
  });
});

const mercosur = story(item('Mercosur y la UE firman el acuerdo', { id: 101, outlet: 'Infobae', language: 'es', url: 'https://infobae.example/1' }), [
  item('Mercosul e UE assinam acordo', { id: 102, outlet: 'Agência Brasil', language: 'pt' }),
  item('El Mercosur y la UE firman', { id: 103, outlet: 'El País', language: 'es' }),
]);
const ping = story(item('@everyone: Maduro *habla* [aquí](https://evil.example)', { id: 104, outlet: 'Efecto Cocuyo', url: null }));

describe('Markdown rendering', () => {
  it('renders a heading, one section per theme, linked titles, outlet, every language of the story and +N outlets', () => {
    const markdown = renderMarkdown(
      digestOf([
        { theme: 'regional-integration', stories: [mercosur], overview: 'El acuerdo avanza.', candidates: 4 },
        { theme: 'us-venezuela', stories: [ping] },
      ]),
    );
    expect(markdown).toContain('# Resumen de noticias · 3 may 2026 · últimas 24 h');
    expect(markdown).toContain('## Integración regional');
    expect(markdown).toContain('> **Panorama:** El acuerdo avanza.');
    expect(markdown).toContain('1. [Mercosur y la UE firman el acuerdo](https://infobae.example/1) — Infobae · es/pt · +2 medios: Agência Brasil, El País');
    expect(markdown).toContain('_1 de 4 historias · 3 medios_');
    expect(markdown).toContain('## EE. UU. y Venezuela');
    expect(markdown).toContain('1. @everyone: Maduro \\*habla\\* \\[aquí\\](https://evil.example) — Efecto Cocuyo · es');
  });

  it.each([
    ['es', 'Sin noticias de estos temas en el período.'],
    ['pt', 'Nenhuma notícia destes temas no período.'],
    ['en', 'No news on these themes in this period.'],
  ] as const)('says so when a %s digest is empty', (language, text) => {
    expect(renderMarkdown(digestOf([], language))).toContain(text);
  });

  it('uses the heading language for labels', () => {
    const markdown = renderMarkdown(digestOf([{ theme: 'china-latam', stories: [mercosur] }], 'en'));
    expect(markdown).toContain('## China in Latin America');
    expect(markdown).toContain('+2 outlets: Agência Brasil, El País');
  });
});

describe('Discord rendering', () => {
  it('sends one embed per theme with the theme as title, stories as linked lines and a footer', () => {
    const parts = renderDiscordDigest(
      digestOf([
        { theme: 'regional-integration', stories: [mercosur], overview: 'El acuerdo *avanza*.' },
        { theme: 'us-venezuela', stories: [ping] },
      ]),
    );
    expect(parts).toHaveLength(1);
    const body = parts[0]?.body;
    expect(body?.allowed_mentions).toEqual({ parse: [] });
    expect(body?.content).toBe('**Resumen de noticias · 3 may 2026 · últimas 24 h**');
    expect(body?.embeds.map((e) => e.title)).toEqual(['Integración regional', 'EE. UU. y Venezuela']);
    expect(body?.embeds[0]?.description).toBe(
      '*El acuerdo \\*avanza\\*.*\n\n**1.** [Mercosur y la UE firman el acuerdo](https://infobae.example/1) — Infobae · es/pt · +2 medios: Agência Brasil, El País',
    );
    expect(body?.embeds[0]?.footer?.text).toBe('1 historia · 3 medios');
    expect(body?.embeds[1]?.description).toContain('@everyone: Maduro \\*habla\\* \\[aquí\\]');
    expect(parts[0]?.storyIds).toEqual(['s101', 's104']);
  });

  it('sends nothing for an empty digest', () => {
    expect(renderDiscordDigest(digestOf([]))).toEqual([]);
  });

  it('caps long outlet lists and says how many more', () => {
    const outlets = Array.from({ length: 10 }, (_, i) => item(`x${i}`, { outlet: `Medio ${i}` }));
    const [first, ...rest] = outlets;
    const parts = renderDiscordDigest(digestOf([{ theme: 'trade-tariffs', stories: [story(first!, rest)] }]));
    expect(parts[0]?.body.embeds[0]?.description).toContain('+9 medios: Medio 1, Medio 2, Medio 3, Medio 4, Medio 5, Medio 6 y 3 más');
  });

  it('continues a theme in a second embed, then a second message, when it outgrows the limits', () => {
    const long = (i: number) => item(`${'Titular muy largo sobre el Mercosur '.repeat(8)}${i}`, { id: 2000 + i, outlet: `Medio ${i}` });
    const stories = Array.from({ length: 25 }, (_, i) => story(long(i)));
    const sections = (['regional-integration', 'trade-tariffs', 'us-venezuela'] as const).map((theme) => ({ theme, stories }));
    const parts = renderDiscordDigest(digestOf(sections.map((s, k) => ({ ...s, stories: s.stories.map((st) => ({ ...st, id: `${st.id}-${k}` })) }))));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(messageViolations(part.body)).toEqual([]);
    const titles = parts.flatMap((p) => p.body.embeds.map((e) => e.title));
    expect(titles).toContain('Integración regional (cont.)');
    expect(parts[1]?.body.content).toMatch(/\(parte 2 de \d\)$/);
    expect(parts.flatMap((p) => p.storyIds)).toHaveLength(75);
    expect(parts.every((p) => p.body.embeds.length <= DISCORD_LIMITS.embedsPerMessage)).toBe(true);
  });
});

describe('limit checks', () => {
  it.each([
    [{ content: 'x'.repeat(2001), embeds: [] }, 'content is 2001 > 2000'],
    [{ content: '', embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, '11 embeds > 10'],
    [{ content: '', embeds: [{ description: 'x'.repeat(4097) }] }, 'embed 0 description 4097 > 4096'],
    [{ content: '', embeds: [{ title: 'x'.repeat(257) }] }, 'embed 0 title 257 > 256'],
    [{ content: '', embeds: [{ title: 't', footer: { text: 'x'.repeat(2049) } }] }, 'embed 0 footer > 2048'],
    [{ content: '', embeds: [{ title: 't', fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] }, 'embed 0 has 26 fields > 25'],
    [{ content: '', embeds: [{ title: 't', fields: [{ name: 'n', value: 'x'.repeat(1025) }] }] }, 'embed 0 field 0 value length 1025'],
    [{ content: '', embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] }, 'embeds total 6001 > 6000'],
  ])('flags %#: %s', (body, problem) => {
    expect(messageViolations({ allowed_mentions: { parse: [] }, ...body })).toContain(problem);
  });
});
