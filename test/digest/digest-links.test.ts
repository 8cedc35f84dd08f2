import { describe, expect, it } from 'vitest';
import { digestScheduleSchema } from '../../src/config/config-schema.js';
import { renderDiscordDigest } from '../../src/digest/render-discord.js';
import { renderMarkdown } from '../../src/digest/render-markdown.js';
import { buildScheduledDigest } from '../../src/delivery/scheduled-digest.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openDatabase } from '../../src/store/open-database.js';
import { HOUR, NOW } from './fixtures.js';
import { seedItems } from './seed-store.js';

describe('the links of a digest', () => {
  it('point to the canonical URL stored for dedupe, without tracking parameters', async () => {
    const db = openDatabase(':memory:');
    await seedItems(createSqliteStore(db), [
      {
        title: 'Mercosur y la UE firman el acuerdo comercial en Asunción',
        outlet: 'Infobae América',
        themes: { 'trade-tariffs': 0.9 },
        publishedAt: NOW - 2 * HOUR,
        url: 'https://infobae.example/america/acuerdo?utm_source=rss&utm_medium=feed&id=7&fbclid=abc',
        canonicalUrl: 'https://infobae.example/america/acuerdo?id=7',
      },
    ]);
    const schedule = digestScheduleSchema.parse({ name: 'daily', cron: '0 8 * * *' });
    const digest = await buildScheduledDigest({ store: createSqliteStore(db) }, schedule, { from: NOW - 24 * HOUR, to: NOW });
    const markdown = renderMarkdown(digest);
    const discord = JSON.stringify(renderDiscordDigest(digest).map((part) => part.body));
    db.close();
    expect(markdown).toContain('](https://infobae.example/america/acuerdo?id=7)');
    for (const text of [markdown, discord]) {
      expect(text).not.toContain('utm_');
      expect(text).not.toContain('fbclid');
    }
  });
});
