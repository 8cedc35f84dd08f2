/**
 * How well story clustering matches labelled events. Pure: gold labels and predicted groups in,
 * figures out. An item whose gold event is null is an event of its own.
 *
 * Pairwise: every pair of items is "together" or not, in the labels and in the prediction;
 * precision is the share of predicted-together pairs that are together in the labels.
 * B-cubed: per item, the share of its predicted story that belongs to its event (precision) and
 * the share of its event found in its story (recall), averaged over items. Ratios with nothing to
 * count are 1.
 */

export interface ClusterFigures {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClusterEvalReport {
  items: number;
  /** Distinct labelled events (singletons not counted). */
  events: number;
  /** Stories the clustering made. */
  stories: number;
  pairs: ClusterFigures;
  bcubed: ClusterFigures;
  /** Pairs merged though their events differ, and pairs of one event left apart: item indexes. */
  falseMerges: [number, number][];
  falseSplits: [number, number][];
}

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? 1 : numerator / denominator);
const f1 = (precision: number, recall: number) => (precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall));

/** `gold[i]`: item i's event or null; `predicted[i]`: any key naming item i's story. */
export function evaluateClusters(gold: readonly (string | null)[], predicted: readonly string[]): ClusterEvalReport {
  const n = gold.length;
  const goldKey = gold.map((event, index) => event ?? `\u0000single-${index}`);
  let together = 0;
  let truePairs = 0;
  let goldPairs = 0;
  const falseMerges: [number, number][] = [];
  const falseSplits: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sameGold = goldKey[i] === goldKey[j];
      const samePredicted = predicted[i] === predicted[j];
      if (samePredicted) together++;
      if (sameGold) goldPairs++;
      if (sameGold && samePredicted) truePairs++;
      else if (samePredicted) falseMerges.push([i, j]);
      else if (sameGold) falseSplits.push([i, j]);
    }
  }
  let bPrecision = 0;
  let bRecall = 0;
  for (let i = 0; i < n; i++) {
    let inStory = 0;
    let inEvent = 0;
    let both = 0;
    for (let j = 0; j < n; j++) {
      const sameStory = predicted[i] === predicted[j];
      const sameEvent = goldKey[i] === goldKey[j];
      if (sameStory) inStory++;
      if (sameEvent) inEvent++;
      if (sameStory && sameEvent) both++;
    }
    bPrecision += both / inStory;
    bRecall += both / inEvent;
  }
  const pairPrecision = ratio(truePairs, together);
  const pairRecall = ratio(truePairs, goldPairs);
  const bp = ratio(bPrecision, n);
  const br = ratio(bRecall, n);
  return {
    items: n,
    events: new Set(gold.filter((event) => event !== null)).size,
    stories: new Set(predicted).size,
    pairs: { precision: pairPrecision, recall: pairRecall, f1: f1(pairPrecision, pairRecall) },
    bcubed: { precision: bp, recall: br, f1: f1(bp, br) },
    falseMerges,
    falseSplits,
  };
}
