import type { ClassifierInput } from '../classify/classifier.js';
import { createOfflineClassifier } from '../classify/offline-classifier.js';
import { loadThemes } from '../classify/themes-config.js';
import { createTextGenerator } from './sample-text.js';
import { median, significant } from './stats.js';

export interface ClassifyFigure {
  /** Distinct generated items, classified over and over. */
  items: number;
  /** Median over runs; JavaScript runs it on one core. */
  itemsPerSecond: number;
  /** Share of the items that got at least one theme (a sanity check that the classifier did work). */
  onTopicShare: number;
}

/** Figure 3: the offline classifier on news-like items in es/pt/en, warm, one core. */
export function classifyBench(options: { items: number; runs: number; minMs: number }): ClassifyFigure {
  const classifier = createOfflineClassifier(loadThemes());
  const text = createTextGenerator(7);
  const inputs: ClassifierInput[] = Array.from({ length: options.items }, () => {
    const item = text.item();
    return { title: item.title, summary: item.summary, lang: item.language };
  });
  const onTopic = inputs.filter((input) => classifier.classify(input).themes.length > 0).length;
  const rates: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    let classified = 0;
    const started = performance.now();
    while (performance.now() - started < options.minMs) {
      for (const input of inputs) classifier.classify(input);
      classified += inputs.length;
    }
    rates.push(classified / ((performance.now() - started) / 1000));
  }
  return { items: options.items, itemsPerSecond: significant(median(rates)), onTopicShare: significant(onTopic / options.items, 2) };
}
