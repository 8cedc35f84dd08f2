import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, renderBarometerChartSvg, weekLabel, type BarometerChartData } from '../../src/digest/barometer-chart.js';
import { svgToPng } from '../../src/digest/svg-to-png.js';

const twelveWeeks = JSON.parse(readFileSync(new URL('../fixtures/barometer/twelve-weeks.json', import.meta.url), 'utf8')) as BarometerChartData;

/** The text the SVG shows, entities decoded, so labels are compared as a reader sees them. */
function textsOf(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) =>
    match[1]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
}

/** Width and height from the IHDR chunk, which a PNG must begin with after its 8-byte signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('the barometer chart', () => {
  it('is titled, and names the themes and weeks, in Spanish', () => {
    const texts = textsOf(renderBarometerChartSvg(twelveWeeks, 'es'));
    expect(texts).toContain('Barómetro de la integración');
    expect(texts).toContain('Noticias por semana y tema, del 7 sep al 23 nov');
    expect(texts).toEqual(expect.arrayContaining(['Comercio y aranceles', 'EE. UU. y Venezuela', 'Integración regional', 'otros temas', 'índice del barómetro']));
    expect(texts).toEqual(expect.arrayContaining(['7 sep', '5 oct', '12 oct', '23 nov']));
  });

  it('is titled, and names the themes and weeks, in Portuguese and English', () => {
    const pt = textsOf(renderBarometerChartSvg(twelveWeeks, 'pt'));
    expect(pt).toEqual(expect.arrayContaining(['Barômetro da integração', 'Comércio e tarifas', 'Integração regional', 'notícias', '7 set', '23 nov']));
    const en = textsOf(renderBarometerChartSvg(twelveWeeks, 'en'));
    expect(en).toEqual(expect.arrayContaining(['Integration barometer', 'Trade and tariffs', "Venezuela's crisis", 'stories', 'barometer index', 'Sep 7', 'Nov 23']));
  });

  it('draws the six biggest themes by name and sums the others, so the legend stays short', () => {
    const texts = textsOf(renderBarometerChartSvg(twelveWeeks, 'en'));
    expect(texts).not.toContain('China in Latin America');
    expect(texts).not.toContain('Ideological divide');
    expect(texts).toContain('other themes');
  });

  it('shows the last twelve weeks only, and takes a title that names a bloc', () => {
    const older = { start: '2026-08-31', index: 0.9, counts: { 'trade-tariffs': 3 } };
    const texts = textsOf(renderBarometerChartSvg({ weeks: [older, ...twelveWeeks.weeks], title: 'Mercosur barometer' }, 'en'));
    expect(texts).toContain('Mercosur barometer');
    expect(texts).not.toContain('Aug 31');
    expect(texts).toContain('Sep 7');
  });

  it('puts the index on its own axis from −1 to +1', () => {
    const texts = textsOf(renderBarometerChartSvg(twelveWeeks, 'en'));
    expect(texts).toEqual(expect.arrayContaining(['−1', '−0.5', '0', '+0.5', '+1']));
  });

  it('renders an empty twelve weeks without failing', () => {
    const svg = renderBarometerChartSvg({ weeks: [] }, 'es');
    expect(textsOf(svg)).toContain('Barómetro de la integración');
  });

  it('rasterizes to a PNG of the chart size', () => {
    const png = svgToPng(renderBarometerChartSvg(twelveWeeks, 'pt'));
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    // A blank image compresses to a few kilobytes; bars, lines and text do not.
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('labels weeks the way each language writes short dates', () => {
    expect(weekLabel('2026-10-05', 'es')).toBe('5 oct');
    expect(weekLabel('2026-10-05', 'pt')).toBe('5 out');
    expect(weekLabel('2026-10-05', 'en')).toBe('Oct 5');
    // Spanish and English say "sept"; three letters keep twelve labels apart at preview size.
    expect(weekLabel('2026-09-07', 'es')).toBe('7 sep');
    expect(weekLabel('2026-09-07', 'en')).toBe('Sep 7');
  });
});
