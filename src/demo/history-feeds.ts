import { z } from 'zod';
import { parseYamlWith } from '../config/read-yaml-file.js';
import { LANGUAGES } from '../core/types.js';

/**
 * The demo's back news: twelve weeks of dated items for the weekly briefing's chart, generated
 * from the headline templates of demo/history.yaml. Deterministic: the same file gives the same
 * feeds, every date a placeholder relative to the moment they are served (see render-sample-feed.ts).
 */

export const HISTORY_WEEKS = 12;

const perLanguage = <T extends z.ZodType>(schema: T) => z.strictObject({ es: schema, pt: schema, en: schema });

const historySchema = z.strictObject({
  pairs: perLanguage(z.array(z.tuple([z.string(), z.string()])).min(1)),
  cities: perLanguage(z.array(z.string()).min(1)),
  headlines: z
    .array(
      z.strictObject({
        feed: z.string().regex(/^[a-z0-9-]+$/),
        lang: z.enum(LANGUAGES),
        /** Items per week, the oldest week first; at most 4, so a headline's items stay 40 h apart and never merge. */
        weeks: z.array(z.number().int().min(0).max(4)).length(HISTORY_WEEKS),
        /** The headline's own places for {city}, one per item, when the language's cities would not fit it. */
        places: z.array(z.string()).min(1).optional(),
        title: z.string().min(1),
        summary: z.string().default(''),
      }),
    )
    .min(1),
});

export type HistoryData = z.infer<typeof historySchema>;

export function parseHistory(text: string, source: string): HistoryData {
  return parseYamlWith(historySchema, text, source);
}

const HOUR_MINUTES = 60;
const DAY_MINUTES = 24 * HOUR_MINUTES;
/** The newest back news is this old: older than the daily digest's reach (24 h, and one window before it). */
const NEWEST_AGE_MINUTES = 2 * DAY_MINUTES + HOUR_MINUTES;
/** Between two items of one headline in a week: more than the clustering's 36 h, so they stay apart. */
const SPACING_MINUTES = 40 * HOUR_MINUTES;

/** Feed file → an RSS template with `{{date -Nm}}` dates: one feed per outlet named in the headlines. */
export function historyFeedTemplates(data: HistoryData): Map<string, string> {
  const entries = new Map<string, string[]>();
  data.headlines.forEach((headline, index) => {
    const pairs = data.pairs[headline.lang];
    const cities = headline.places ?? data.cities[headline.lang];
    let n = headline.places ? 0 : index;
    headline.weeks.forEach((count, week) => {
      for (let k = 0; k < count; k++, n++) {
        // Every (pair, city) combination once before any repeats: a repeated title would be deduplicated away.
        const [a, b] = pairs[n % pairs.length] as [string, string];
        const city = cities[(headline.places ? n : n + Math.floor(n / pairs.length)) % cities.length] as string;
        const fill = (text: string) => text.replaceAll('{a}', a).replaceAll('{b}', b).replaceAll('{city}', city);
        // Spread over the week and across headlines, so each week's items fall on several days.
        const age = (HISTORY_WEEKS - 1 - week) * 7 * DAY_MINUTES + NEWEST_AGE_MINUTES + k * SPACING_MINUTES + ((index * 97) % (10 * HOUR_MINUTES));
        const id = `${headline.feed}-h${index}-w${week + 1}-${k + 1}`;
        const list = entries.get(headline.feed) ?? [];
        list.push(
          [
            '    <item>',
            `      <title>${escapeXml(fill(headline.title))}</title>`,
            `      <link>https://${headline.feed.replaceAll('-', '')}.example/archivo/${id}</link>`,
            `      <guid isPermaLink="false">${id}</guid>`,
            `      <description>${escapeXml(fill(headline.summary))}</description>`,
            `      <pubDate>{{date -${age}m}}</pubDate>`,
            '    </item>',
          ].join('\n'),
        );
        entries.set(headline.feed, list);
      }
    });
  });
  return new Map(
    [...entries].map(([feed, items]) => [
      historyFile(feed),
      `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n    <title>${feed} (archive)</title>\n    <link>https://${feed.replaceAll('-', '')}.example/</link>\n${items.join('\n')}\n  </channel>\n</rss>\n`,
    ]),
  );
}

/** `diario-del-plata` → `diario-del-plata-archivo.xml`. */
export function historyFile(feed: string): string {
  return `${feed}-archivo.xml`;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
