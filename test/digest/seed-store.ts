import type { ItemLensReading } from '../../src/core/lens.js';
import type { ThemeId } from '../../src/core/themes.js';
import type { Language } from '../../src/core/types.js';
import { withDedupeKeys } from '../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../src/store-context.js';

export interface SeedItem {
  title: string;
  outlet: string;
  language?: Language;
  themes: Partial<Record<ThemeId, number>>;
  publishedAt: number;
  /** When it was fetched and classified; default: when it was published. */
  reachedAt?: number;
  url?: string;
  /** The canonical URL stored for dedupe; default: `url`. */
  canonicalUrl?: string;
  backlog?: boolean;
  /** A lens reading stored with the classification; default: none, as in a store from before readings were stored. */
  lens?: ItemLensReading;
}

/**
 * Stores items and their classifications through the store's ports, one feed per outlet (added as
 * user feeds, so a config sync leaves them alone). Returns the item ids in input order.
 */
export async function seedItems(store: Pick<Store, 'feeds' | 'items' | 'classifications'>, entries: SeedItem[]): Promise<number[]> {
  const { feeds, items, classifications } = store;
  const ids: number[] = [];
  for (const [index, entry] of entries.entries()) {
    // Loopback port 9 (discard): a `start` in the tests that polls these feeds never leaves the machine.
    const url = `http://127.0.0.1:9/${slug(entry.outlet)}/rss`;
    const feed = (await feeds.getByUrl(url)) ?? (await feeds.add({ url, name: entry.outlet, language: entry.language ?? 'es' }, 'user', 0)).feed;
    const link = entry.url ?? `https://${slug(entry.outlet)}.example/news/${index}-${slug(entry.title).slice(0, 40)}`;
    const contentHash = `seed:${index}:${entry.title}`;
    const {
      itemIds: [id],
    } = await items.saveFeedItems(
      feed.id,
      withDedupeKeys(feed.id, [
        {
          guid: `seed-${index}`,
          url: link,
          canonicalUrl: entry.canonicalUrl ?? link,
          title: entry.title,
          titleKey: `${index}:${entry.title.toLowerCase()}`,
          summary: '',
          language: entry.language ?? 'es',
          publishedAt: entry.publishedAt,
          dated: true,
          source: null,
          contentHash,
        },
      ]),
      { fetchedAt: entry.reachedAt ?? entry.publishedAt, backlog: entry.backlog ?? false },
    );
    const themes = Object.keys(entry.themes) as ThemeId[];
    await classifications.save([
      {
        itemId: id as number,
        contentHash,
        source: 'offline',
        model: null,
        promptVersion: null,
        themes,
        scores: entry.themes,
        evidence: {},
        reason: null,
        classifiedAt: entry.reachedAt ?? entry.publishedAt,
        ...(entry.lens ? { lens: entry.lens } : {}),
      },
    ]);
    ids.push(id as number);
  }
  return ids;
}

/** A day's worth of realistic items across themes, outlets and languages, ending at `now`. */
export function newsDay(now: number, extra = 0): SeedItem[] {
  const h = 3_600_000;
  const base: SeedItem[] = [
    { title: 'Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'Infobae América', themes: { 'trade-tariffs': 0.9, 'regional-integration': 0.6 }, publishedAt: now - 3 * h },
    { title: 'El Mercosur y la UE firman el acuerdo comercial en Asunción', outlet: 'El País América', themes: { 'trade-tariffs': 0.8 }, publishedAt: now - 2 * h },
    { title: 'Mercosul e União Europeia assinam acordo comercial em Assunção', outlet: 'Agência Brasil', language: 'pt', themes: { 'trade-tariffs': 0.85 }, publishedAt: now - 2 * h },
    { title: 'EE.UU. ataca otra lancha en el Caribe frente a Venezuela', outlet: 'BBC Mundo', themes: { 'us-venezuela': 0.95 }, publishedAt: now - 5 * h },
    { title: '@everyone Maduro *denuncia* [agresión](https://evil.example) de EE.UU.', outlet: 'Efecto Cocuyo', themes: { 'us-venezuela': 0.7 }, publishedAt: now - 6 * h },
    { title: 'La CELAC se reúne en Bogotá sin declaración conjunta', outlet: 'MercoPress (español)', themes: { 'regional-integration': 0.9 }, publishedAt: now - 8 * h },
    { title: 'China financia un puerto en Perú', outlet: 'Infobae América', themes: { 'china-latam': 0.8 }, publishedAt: now - 10 * h },
    { title: 'Archivo: viejo titular de backlog', outlet: 'Infobae América', themes: { 'china-latam': 0.99 }, publishedAt: now - 4 * h, backlog: true },
    { title: 'Fuera de la ventana', outlet: 'BBC Mundo', themes: { 'china-latam': 0.99 }, publishedAt: now - 30 * h },
  ];
  for (let i = 0; i < extra; i++) {
    // Distinct made-up words per headline, so the extra items stay separate stories.
    const words = Array.from({ length: 14 }, (_, k) => pseudoWord(i * 31 + k * 7 + 3));
    base.push({
      title: `Recursos: ${words.join(' ')} (${i})`,
      outlet: `Medio ${i % 7}`,
      themes: { 'resources-autonomy': 0.5 + (i % 5) / 10 },
      publishedAt: now - (i % 20) * h - 60_000,
    });
  }
  return base;
}

function pseudoWord(seed: number): string {
  const consonants = 'bcdfglmnprstvz';
  const vowels = 'aeiou';
  let x = (seed * 2654435761) >>> 0;
  let word = '';
  for (let k = 0; k < 4; k++) {
    word += (consonants[x % consonants.length] as string) + (vowels[(x >>> 5) % vowels.length] as string);
    x = (x * 1103515245 + 12345) >>> 0;
  }
  return word;
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
