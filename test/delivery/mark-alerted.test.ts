import { describe, expect, it } from 'vitest';
import type { AlertedItem } from '../../src/core/alert.js';
import { markAlerted } from '../../src/delivery/mark-alerted.js';
import { renderMarkdown } from '../../src/digest/render-markdown.js';
import { NOW, digestOf, item, story } from '../digest/fixtures.js';

const sent = (at: number, outletsAtAlert: number): AlertedItem => ({ alertId: 'a', state: 'sent', sentAt: at, outletsAtAlert, heldBecause: null });
const held = (because: AlertedItem['heldBecause']): AlertedItem => ({ alertId: 'h', state: 'to-digest', sentAt: null, outletsAtAlert: 0, heldBecause: because });

describe('a digest after alerts', () => {
  const alerted = item('Mercosur suspende a un miembro', { id: 101, outlet: 'Diario del Plata' });
  const joined = item('Mercosur suspende a Venezuela', { id: 102, outlet: 'Agência Sul' });
  const quiet = item('Ataque en el Caribe: cuatro muertos', { id: 201, outlet: 'El Nacional' });
  const limited = item('La CELAC convoca una cumbre', { id: 301, outlet: 'Hemisphere Wire' });
  const plain = item('Uruguay y China firman un acuerdo', { id: 401 });
  const digest = digestOf([{ theme: 'regional-integration', stories: [story(alerted, [joined]), story(quiet), story(limited), story(plain)] }]);

  it('shows a story that went out as an alert as one line, and one held back in full with why it got no alert', () => {
    const marked = markAlerted(
      digest,
      new Map([
        [101, sent(NOW - 2 * 3_600_000, 1)],
        [201, held('quiet')],
        [301, held('rate')],
      ]),
    );
    const lines = renderMarkdown(marked).split('\n');
    // Caracas is UTC−4: the alert went out at 06:00 there.
    expect(lines.find((line) => line.includes('suspende'))).toMatch(/^1\. ⚡ alertada a las 06:00 — \[Mercosur suspende a un miembro\]\(.*\) \(\+1 medio desde la alerta\)$/);
    expect(lines.find((line) => line.includes('Caribe'))).toMatch(/^2\. \[Ataque en el Caribe: cuatro muertos\]\(.*\) — El Nacional · es · ⏸ sin alerta: horas de silencio$/);
    expect(lines.find((line) => line.includes('CELAC'))).toMatch(/ · ⏸ sin alerta: límite por hora$/);
    expect(lines.find((line) => line.includes('Uruguay'))).not.toContain('⏸');
  });

  it('is the same digest when nothing alerted', () => {
    expect(markAlerted(digest, new Map())).toBe(digest);
  });
});
