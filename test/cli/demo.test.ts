import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { renderSampleFeed } from '../../src/demo/render-sample-feed.js';
import { HISTORY_FILE } from '../../src/demo/run-demo.js';
import { SAMPLE_FEEDS_DIR } from '../../src/demo/sample-feeds.js';
import { HISTORY_WEEKS, historyFeedTemplates, parseHistory } from '../../src/demo/history-feeds.js';
import { captureIO } from '../support/capture-io.js';

const NOW = Date.UTC(2026, 10, 29, 12);

describe('sample feed templates', () => {
  const template = [
    '<rss version="2.0"><channel><title>t</title>',
    '<item><title>fresh</title><pubDate>{{date -2h}}</pubDate></item>',
    '<item><title>old</title><pubDate>{{date -2d}}</pubDate></item>',
    '</channel></rss>',
  ].join('\n');

  it('fills in dates relative to the moment they are served', () => {
    const xml = renderSampleFeed(template, NOW);
    expect(xml).toContain('<pubDate>Sun, 29 Nov 2026 10:00:00 GMT</pubDate>');
    expect(xml).toContain('<pubDate>Fri, 27 Nov 2026 12:00:00 GMT</pubDate>');
    expect(renderSampleFeed('<updated>{{iso -90m}}</updated>', NOW)).toBe('<updated>2026-11-29T10:30:00.000Z</updated>');
  });

  it('shows a feed as it looked earlier: later entries are left out', () => {
    const xml = renderSampleFeed(template, NOW, NOW - 24 * 3_600_000);
    expect(xml).not.toContain('fresh');
    expect(xml).toContain('<title>old</title>');
  });

  it('every bundled feed dates every entry with a placeholder', () => {
    for (const file of ['diario-del-plata.xml', 'agencia-sul.xml', 'hemisphere-wire.atom', 'el-caribe-hoy.atom', 'observatorio-andino.xml']) {
      const text = readFileSync(path.join(SAMPLE_FEEDS_DIR, file), 'utf8');
      const entries = text.match(/<(item|entry)\b[\s\S]*?<\/\1>/g) ?? [];
      expect(entries.length, file).toBeGreaterThanOrEqual(8);
      for (const entry of entries) expect(entry, file).toMatch(/\{\{(date|iso) -\d+[mhd]\}\}/);
    }
  });
});

describe('the demo\'s back news for the weekly briefing', () => {
  const history = historyFeedTemplates(parseHistory(readFileSync(HISTORY_FILE, 'utf8'), HISTORY_FILE));
  const HOUR = 3_600_000;

  it('is generated the same every time, dated over twelve weeks and never in the daily digest\'s reach', () => {
    expect(historyFeedTemplates(parseHistory(readFileSync(HISTORY_FILE, 'utf8'), HISTORY_FILE))).toEqual(history);
    const items = [...history.values()].flatMap((xml) => renderSampleFeed(xml, NOW).match(/<item>[\s\S]*?<\/item>/g) ?? []);
    expect(items.length).toBeGreaterThanOrEqual(150);
    const ages = items.map((item) => NOW - Date.parse(/<pubDate>(.*)<\/pubDate>/.exec(item)?.[1] ?? ''));
    expect(Math.min(...ages)).toBeGreaterThan(48 * HOUR);
    expect(Math.max(...ages)).toBeLessThan((HISTORY_WEEKS + 1) * 7 * 24 * HOUR);
    // No two items share a title: each is its own story.
    const titles = items.map((item) => /<title>(.*)<\/title>/.exec(item)?.[1]);
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe('sancocho demo', () => {
  let briefingDir: string;
  beforeEach(() => {
    briefingDir = mkdtempSync(path.join(tmpdir(), 'sancocho-demo-briefing-'));
  });
  afterEach(() => {
    rmSync(briefingDir, { recursive: true, force: true });
  });

  it('serves the sample feeds on loopback, runs one cycle and prints a digest with stories', async () => {
    // No config file, no database path, no credentials: the demo brings its own.
    const io = captureIO({ SANCOCHO_CONFIG: '/nonexistent/sancocho.yaml', DISCORD_TOKEN: '', OPENAI_API_KEY: '' });
    expect(await runCli(['demo', '--briefing-dir', briefingDir], io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(/served from http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/First poll, the feeds as they were 24 h ago: [1-9]\d* items stored as backlog/);
    expect(out).toMatch(/Second poll, now: [1-9]\d* new items; [1-9]\d* classified/);
    expect(out).toMatch(/Digest of the last 24 h: [1-9]\d* stories in [1-9]\d* themes/);
    expect(out).toMatch(/^# Resumen de noticias · /m);
    expect(out).toMatch(/^## /m);
    expect(out).toMatch(/^1\. \[.+\]\(https:\/\/[a-z]+\.example\/.+\)/m);
    // Off-topic items stay out, and so does the archive from the first poll.
    expect(out).not.toContain('superclásico');
    expect(out).not.toContain('Copom');
  });

  it('writes the weekly briefing as preview mode does: Markdown linking its chart, a PNG that decodes', async () => {
    const io = captureIO({ SANCOCHO_CONFIG: '/nonexistent/sancocho.yaml', DISCORD_TOKEN: '', OPENAI_API_KEY: '' });
    expect(await runCli(['demo', '--language', 'en', '--briefing-dir', briefingDir], io)).toBe(0);
    expect(io.out()).toMatch(/Weekly briefing over [1-9]\d{2} items of back news .*: [1-9]\d+ stories in the chart; saved to /);
    const files = readdirSync(briefingDir).sort();
    expect(files).toEqual([expect.stringMatching(/^demo-briefing-\d{4}-\d{2}-\d{2}-\d{4}\.md$/), expect.stringMatching(/^demo-briefing-.*\.png$/)]);
    const markdown = readFileSync(path.join(briefingDir, files[0] as string), 'utf8');
    expect(markdown).toMatch(/^# Weekly briefing · /);
    expect(markdown).toContain(`(${files[1]})`);
    expect(markdown).toMatch(/## Integration barometer\n\nIndex \*\*[+−]?\d\.\d\d\*\*/);
    expect(markdown).toMatch(/## Themes that moved most \(against their 4-week average\)\n\n1\. \*\*/);
    const png = readFileSync(path.join(briefingDir, files[1] as string));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1100, 720]);
  });

  it('renders the digest in English on request, and refuses an unknown language', async () => {
    const io = captureIO({});
    expect(await runCli(['demo', '--language', 'en', '--briefing-dir', briefingDir], io)).toBe(0);
    expect(io.out()).toMatch(/^# News digest · /m);
    const bad = captureIO({});
    expect(await runCli(['demo', '--language', 'fr'], bad)).toBe(2);
    expect(bad.err()).toContain('demo: --language must be one of es, pt, en, not "fr"');
  });
});
