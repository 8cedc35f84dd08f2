import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isThemeId, THEME_IDS, type ThemeId } from '../../src/core/themes.js';
import { LANGUAGES, type Language } from '../../src/core/types.js';
import { evaluate } from '../../src/classify/eval-metrics.js';
import { createOfflineClassifier } from '../../src/classify/offline-classifier.js';
import { loadThemes } from '../../src/classify/themes-config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The labelled dev set, copied into the fixtures with its provenance (test/fixtures/eval/README.md). */
const devSetPath = path.resolve(repoRoot, 'test/fixtures/eval/dev.jsonl');

interface DevItem {
  id: string;
  title: string;
  summary: string;
  lang: Language;
  themes: ThemeId[];
}

function readDevSet(): DevItem[] {
  return readFileSync(devSetPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const item = JSON.parse(line) as DevItem;
      expect(LANGUAGES).toContain(item.lang);
      for (const theme of item.themes) expect(isThemeId(theme), `${item.id}: ${theme}`).toBe(true);
      return item;
    });
}

describe('offline classifier on the labelled dev set', () => {
  it('reaches macro-F1 ≥ 0.80 (per-theme figures are logged)', () => {
    const items = readDevSet();
    expect(items).toHaveLength(103);
    const classifier = createOfflineClassifier(loadThemes());
    const report = evaluate(items.map((item) => ({ gold: item.themes, predicted: classifier.classify(item).themes })));

    const perTheme = THEME_IDS.map((theme) => {
      const { f1, precision, recall, support } = report.perTheme[theme];
      return `  ${theme.padEnd(21)} F1 ${f1.toFixed(2)}  P ${precision.toFixed(2)}  R ${recall.toFixed(2)}  n ${support}`;
    });
    console.info(
      [
        `dev set: ${report.items} items, macro-F1 ${report.macroF1.toFixed(3)}, micro-F1 ${report.microF1.toFixed(3)}, ` +
          `exact ${report.exactMatch.toFixed(3)}, off-topic accuracy ${report.offTopic.accuracy.toFixed(3)}`,
        ...perTheme,
      ].join('\n'),
    );
    expect(report.macroF1).toBeGreaterThanOrEqual(0.8);
  });
});
