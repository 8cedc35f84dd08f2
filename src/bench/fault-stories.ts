/**
 * The stories of the fault scenario (faults-bench.ts and the kill-workers test): every feed gains a
 * themed story each generation, and no two stories are one. Each headline names three people of
 * its own (invented surnames, unique per feed and generation) beside its theme's words, so
 * clustering keeps it apart and a minute's digest fills every theme's section: several parts.
 */

const TOPICS = ['los aranceles del Mercosur', 'el despliegue naval de EE.UU. frente a Venezuela', 'un puerto chino en Perú', 'la cumbre de la CELAC'];
const PLACES = ['Asunción', 'Montevideo', 'Cusco', 'Mérida', 'Rosario', 'Cali', 'Arica', 'Cuenca', 'Salta', 'Oruro', 'Tacna', 'Manta', 'Colón'];
const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'la', 'me', 'ni', 'po', 'ru', 'sa', 'te', 'vi', 'zo', 'ca', 'de', 'mi', 'no', 'ra', 'su'];

/** An invented surname per number, distinct for distinct numbers. */
function surname(key: number): string {
  let name = '';
  let rest = key;
  do {
    name += SYLLABLES[rest % SYLLABLES.length];
    rest = Math.floor(rest / SYLLABLES.length);
  } while (rest > 0);
  return `${name[0]!.toUpperCase()}${name.slice(1)}rez`;
}

/** Feed `feed`'s story of generation `generation` (feeds below 1000). */
function faultHeadline(feed: number, generation: number): string {
  const key = generation * 1000 + feed;
  const topic = TOPICS[(feed + generation) % TOPICS.length];
  const place = PLACES[(feed * 7 + generation) % PLACES.length];
  return `El ministro ${surname(key)} habla con ${surname(key * 7 + 3)} y ${surname(key * 13 + 5)} sobre ${topic} en ${place}`;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Feed `feed`'s RSS document at `generation`: all its stories so far, newest first, a second apart up to `now`. */
export function faultFeed(feed: number, generation: number, now: number): string {
  const items: string[] = [];
  for (let g = generation; g >= 0; g--) {
    const published = new Date(now - (generation - g) * 1000).toUTCString();
    items.push(
      `<item><title>${escape(faultHeadline(feed, g))}</title><link>https://news.example/${feed}/${g}</link><guid isPermaLink="false">${feed}-${g}</guid><pubDate>${published}</pubDate></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Feed ${feed}</title><link>https://news.example/${feed}</link>\n${items.join('\n')}\n</channel></rss>`;
}
