import { describe, expect, it } from 'vitest';
import { foldAccents } from '../../src/core/fold-accents.js';

describe('foldAccents', () => {
  it.each([
    ['¿Qué pasó en Brasília?', '¿que paso en brasilia?'],
    ['AÇÃO Ñandú', 'acao nandu'],
    ['Straße Ærø Łódź đồng', 'strase aro lodz dong'],
    // A keyboard may send the accent as its own combining character.
    ['Bogota\u0301', 'bogota'],
    ['março', 'marco'],
  ])('folds %j to %j', (text, folded) => {
    expect(foldAccents(text)).toBe(folded);
  });

  it('leaves punctuation, digits and other scripts alone', () => {
    expect(foldAccents('G-20, 2026 — 北京')).toBe('g-20, 2026 — 北京');
  });
});
