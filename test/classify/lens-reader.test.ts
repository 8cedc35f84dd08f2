import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadLens, parseLens } from '../../src/classify/lens-config.js';
import { createLensReader } from '../../src/classify/lens-reader.js';
import { ConfigError } from '../../src/core/errors.js';

const reader = createLensReader(loadLens());

describe('the offline lens reader', () => {
  it('gives no reading to an off-topic item', () => {
    expect(reader.read({ title: 'Mercosur y la UE firman el acuerdo', summary: '', lang: 'es', themes: [] })).toBeNull();
  });

  it.each([
    ['advancing', 'Mercosur y la Unión Europea firman en Asunción el acuerdo comercial', 'es', 'firman en asuncion el acuerdo'],
    ['advancing', 'Acordo Mercosul-União Europeia é assinado em Assunção', 'pt', 'acordo mercosul uniao europeia e assinado'],
    ['advancing', 'Latin America urges unity in face of Trump tariffs at CELAC summit', 'en', 'urges unity'],
    ['stalling', 'Reunião da Celac termina sem comunicado oficial sobre a Venezuela', 'pt', 'sem comunicado'],
    ['stalling', 'Cumbre del Mercosur posterga la firma del acuerdo con la UE', 'es', 'posterga'],
    ['reversing', 'Equador e Colômbia abrem guerra comercial com tarifa de 30%', 'pt', 'guerra comercial'],
    ['reversing', 'Milei: Mercosur has ended up becoming a prison for members, slams the bloc', 'en', 'slams'],
  ] as const)('reads %s in "%s"', (direction, title, lang, phrase) => {
    const reading = reader.read({ title, summary: '', lang, themes: ['regional-integration'] });
    expect(reading?.direction).toBe(direction);
    expect(reading?.evidence.some((line) => line.startsWith(`${direction}: "${phrase}"`))).toBe(true);
  });

  it('reads no direction outside integration: one country with an outside power is not a bloc', () => {
    const reading = reader.read({ title: 'Bolivia firma el acuerdo del litio con China', summary: '', lang: 'es', themes: ['china-latam'] });
    expect(reading?.direction).toBe('none');
    expect(reading?.actors).toEqual(['BO', 'CN']);
  });

  it('reads a direction between two of the region\'s countries without a bloc or the integration theme', () => {
    const reading = reader.read({ title: 'Venezuela y Colombia fortalecen su alianza estratégica energética', summary: '', lang: 'es', themes: ['resources-autonomy'] });
    expect(reading?.direction).toBe('advancing');
  });

  it('counts a summary match once, a title match twice', () => {
    const inSummary = reader.read({ title: 'Mercosur summit ends', summary: 'Talks stalled again.', lang: 'en', themes: ['regional-integration'] });
    expect(inSummary?.direction).toBe('none');
    const inTitle = reader.read({ title: 'Mercosur talks stalled again', summary: '', lang: 'en', themes: ['regional-integration'] });
    expect(inTitle?.direction).toBe('stalling');
  });

  it('names the obstacles a story shows once it has a direction', () => {
    const reading = reader.read({
      title: 'Presidente uruguayo insiste en flexibilización del Mercosur',
      summary: 'Si se quiere acompañar se acompaña, si no, con gusto vamos solos.',
      lang: 'es',
      themes: ['regional-integration'],
    });
    expect(reading?.direction).toBe('reversing');
    expect(reading?.obstacles).toEqual(['weak-delegation']);
  });

  it('finds actors by name, demonym, capital or leader, bodies first', () => {
    const reading = reader.read({ title: 'Lula y el presidente uruguayo se reúnen en Caracas con la Celac', summary: '', lang: 'es', themes: ['regional-integration'] });
    expect(reading?.actors).toEqual(['celac', 'BR', 'UY', 'VE']);
  });

  it('tells acronyms from words and money from the United States', () => {
    const read = (title: string) => reader.read({ title, summary: '', lang: 'en', themes: ['regional-integration'] })?.actors;
    expect(read('Peru port gets US$ 1.3 billion from China')).toEqual(['CN', 'PE']);
    expect(read('Peru says the US can wait')).toEqual(['PE', 'US']);
    expect(read('Peru joins talks with the CAN')).toEqual(['can', 'PE']);
  });
});

describe('lens.yaml', () => {
  const shipped = (edit: (text: string) => string) => () => parseLens(edit(readShipped()), 'lens.yaml');

  it('is refused with the key named when a weight is out of range', () => {
    expect(shipped((text) => text.replace('"sin acuerdo": 4', '"sin acuerdo": 40'))).toThrow(/direction\.stalling\.es.*at most 10/);
  });

  it('is refused when a country is not an ISO code', () => {
    expect(shipped((text) => text.replace('    AR: [Argentina', '    ARG: [Argentina'))).toThrow(/actors\.region\.ARG/);
  });

  it('is refused when a body of the issue is missing', () => {
    expect(shipped((text) => text.replace(/^    brics: .*$/m, ''))).toThrow(ConfigError);
  });
});

function readShipped(): string {
  return readFileSync(new URL('../../config/lens.yaml', import.meta.url), 'utf8');
}
