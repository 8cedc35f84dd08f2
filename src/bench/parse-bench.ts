import { XMLParser } from 'fast-xml-parser';
import { parseFeedBody } from '../pipeline/parse-feed-body.js';
import { generateFeed, type FeedFormat } from './generate-feed.js';
import { MB, median, significant, timePerCall, type CallTime } from './stats.js';

export interface ParseFigure {
  format: FeedFormat;
  items: number;
  bytes: number;
  /** Our decode → parse → normalize path. */
  itemsPerSecond: number;
  mbPerSecond: number;
  /** Raw fast-xml-parser (attributes kept) on the same bytes: a floor for any XML-based parser. */
  fastXmlParser: { itemsPerSecond: number; mbPerSecond: number };
  /** How many times longer our path takes than fast-xml-parser alone (median of per-run ratios of wall time). */
  ratio: number;
  /** The same in CPU time, which other work on a shared machine does not stretch. */
  cpuRatio: number;
}

const CONTENT_TYPE: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

/**
 * Figure 1: generated feeds of each size through our path and through fast-xml-parser, timed side
 * by side in every run (so a noisy neighbour slows both), medians over runs.
 */
export async function parseBench(options: { sizes: number[]; runs: number; minMs: number }): Promise<ParseFigure[]> {
  const figures: ParseFigure[] = [];
  const xml = new XMLParser({ ignoreAttributes: false });
  const context = { fetchedAt: Date.UTC(2026, 10, 29), baseUrl: 'https://news.example/' };
  for (const format of ['rss', 'atom'] as const) {
    for (const items of options.sizes) {
      const body = Buffer.from(generateFeed(format, items, { id: `${format}${items}` }));
      const ours = async () => {
        const parsed = await parseFeedBody(body, CONTENT_TYPE[format], context);
        if (parsed.status !== 'ok' || parsed.items.length !== items) throw new Error(`parse-bench: ${format} ${items}: ${parsed.status}`);
      };
      const raw = () => xml.parse(body);
      // Warm both up (JIT, caches) for as long as one timed run, then alternate which goes first.
      await timePerCall(ours, options.minMs);
      await timePerCall(raw, options.minMs);
      const oursMs: CallTime[] = [];
      const rawMs: CallTime[] = [];
      for (let run = 0; run < options.runs; run++) {
        if (run % 2 === 0) oursMs.push(await timePerCall(ours, options.minMs));
        rawMs.push(await timePerCall(raw, options.minMs));
        if (run % 2 === 1) oursMs.push(await timePerCall(ours, options.minMs));
      }
      const rate = (ms: number) => ({
        itemsPerSecond: significant(items / (ms / 1000)),
        mbPerSecond: significant(body.length / MB / (ms / 1000)),
      });
      const ratio = (time: keyof CallTime) => significant(median(oursMs.map((ours, run) => ours[time] / rawMs[run]![time])), 2);
      figures.push({
        format,
        items,
        bytes: body.length,
        ...rate(median(oursMs.map((ours) => ours.wallMs))),
        fastXmlParser: rate(median(rawMs.map((raw) => raw.wallMs))),
        ratio: ratio('wallMs'),
        cpuRatio: ratio('cpuMs'),
      });
    }
  }
  return figures;
}
