import { describe, expect, it } from 'vitest';
import { evaluateLens, type LensGold } from '../../src/classify/lens-eval.js';
import type { Direction, LensReading } from '../../src/core/lens.js';

const gold = (direction: Direction, actors: string[] = [], obstacles: LensGold['obstacles'] = []): LensGold => ({ direction, actors, obstacles });
const read = (direction: Direction, actors: string[] = [], obstacles: LensReading['obstacles'] = []): LensReading => ({ direction, actors, obstacles, evidence: [] });

describe('scoring lens readings', () => {
  it('gives per-class precision and recall, and macro-F1 over the four directions', () => {
    const report = evaluateLens([
      { gold: gold('advancing'), reading: read('advancing') },
      { gold: gold('advancing'), reading: read('none') },
      { gold: gold('stalling'), reading: read('stalling') },
      { gold: gold('reversing'), reading: read('reversing') },
      { gold: gold('none'), reading: read('none') },
      { gold: gold('none'), reading: read('reversing') },
    ]);
    expect(report.direction.perClass.advancing).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(report.direction.perClass.reversing).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
    expect(report.direction.perClass.none).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(report.direction.macroF1).toBeCloseTo((2 / 3 + 1 + 2 / 3 + 0.5) / 4, 10);
    expect(report.direction.accuracy).toBeCloseTo(4 / 6, 10);
  });

  it('counts an item without a reading (off-topic to the classifier) as none with no actors', () => {
    const report = evaluateLens([{ gold: gold('advancing', ['mercosur']), reading: null }]);
    expect(report.direction.perClass.advancing.recall).toBe(0);
    expect(report.direction.perClass.none.precision).toBe(0);
    expect(report.actors).toEqual({ precision: 1, recall: 0, f1: 0, support: 1 });
  });

  it('micro-averages actors and obstacles over every item', () => {
    const report = evaluateLens([
      { gold: gold('reversing', ['AR', 'mercosur'], ['weak-delegation']), reading: read('reversing', ['AR', 'BR', 'mercosur'], ['weak-delegation']) },
      { gold: gold('none', ['VE']), reading: read('none', ['VE']) },
    ]);
    expect(report.actors).toEqual({ precision: 0.75, recall: 1, f1: 6 / 7, support: 3 });
    expect(report.obstacles).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
  });

  it('does not punish a class that was neither labelled nor read', () => {
    const report = evaluateLens([{ gold: gold('none'), reading: read('none') }]);
    expect(report.direction.perClass.stalling).toEqual({ precision: 1, recall: 1, f1: 1, support: 0 });
  });
});
