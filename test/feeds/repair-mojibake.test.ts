import { describe, expect, it } from 'vitest';
import { repairMojibake } from '../../src/feeds/repair-mojibake.js';

describe('repairMojibake', () => {
  it.each([
    ['soberanÃ­a', 'soberanía'],
    ['Â¿QuÃ© es el FIR MaiquetÃ­a?', '¿Qué es el FIR Maiquetía?'],
    ['Â«se ha estancadoÂ»', '«se ha estancado»'],
    ['NÃºÃ±ez, AmÃ©rica, informaciÃ³n, Ã\u00A0 la carte', 'Núñez, América, información, à la carte'],
    ['SÃ£o Paulo, negociaÃ§Ãµes', 'São Paulo, negociações'],
    ['Ã‰XITO, Ã“RGANO, Ã‘', 'ÉXITO, ÓRGANO, Ñ'],
    ['â€œcomillasâ€\u009D y â€˜simplesâ€™ â€” 5 â‚¬ â€¦', '“comillas” y ‘simples’ — 5 € …'],
    ['Latinoamérica y soberanÃ­a', 'Latinoamérica y soberanía'],
    ['triple: SoberanÃƒÂ­a', 'triple: Soberanía'],
  ])('%s → %s', (broken, repaired) => {
    expect(repairMojibake(broken)).toBe(repaired);
  });

  it.each([
    ['plain ASCII', 'Mercosur summit'],
    ['correct Spanish', '¿Qué pasó con la soberanía? Año nuevo, señal, «comillas»'],
    ['correct Portuguese', 'SÃO PAULO, negociações, Câmara, âncora'],
    ['an accented capital before a closing guillemet', '«PERÚ» y «CAMIÓN»'],
    ['a capital A tilde before a non-continuation', 'Ã e Â são letras'],
    ['emoji and CJK', '👍 中文'],
  ])('leaves %s unchanged', (_case, text) => {
    expect(repairMojibake(text)).toBe(text);
  });
});
