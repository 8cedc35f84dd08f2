import type { BodyId } from '../core/lens.js';
import type { Language } from '../core/types.js';

/** How the barometer names a regional body: the ids are lower-case slugs, the news writes them so. */
const BLOC_NAMES: Record<BodyId, string | Record<Language, string>> = {
  mercosur: 'Mercosur',
  celac: 'CELAC',
  can: 'CAN',
  alba: 'ALBA',
  unasur: 'UNASUR',
  sica: 'SICA',
  caricom: 'CARICOM',
  oas: { es: 'OEA', pt: 'OEA', en: 'OAS' },
  'pacific-alliance': { es: 'Alianza del Pacífico', pt: 'Aliança do Pacífico', en: 'Pacific Alliance' },
  prosur: 'Prosur',
  brics: 'BRICS',
};

export function blocName(bloc: BodyId, language: Language): string {
  const name = BLOC_NAMES[bloc];
  return typeof name === 'string' ? name : name[language];
}

/** The chart's title for one body; the overall chart keeps barometer-chart's own. */
export const BLOC_CHART_TITLE: Record<Language, (bloc: string) => string> = {
  es: (bloc) => `Barómetro de la integración: ${bloc}`,
  pt: (bloc) => `Barômetro da integração: ${bloc}`,
  en: (bloc) => `Integration barometer: ${bloc}`,
};
