import type { HoldCause } from '../core/alert.js';
import type { Language } from '../core/types.js';

/** The words of an alert and of the digest's marker, in the three languages a destination may choose. */
export interface AlertWords {
  alert: string;
  why: string;
  themes: string;
  /** "3 medios en 2 h" */
  outletsWithin: (outlets: number, span: string) => string;
  /** "3 medios a la vez": every outlet published within the same minute. */
  outletsTogether: (outlets: number) => string;
  rule: string;
  /** Joins a rule's term and entity: «suspende» con Mercosur. */
  with: string;
  importance: string;
  /** "+4 medios desde la alerta" */
  joinedSince: (outlets: number) => string;
  update: string;
  alertedAt: (time: string) => string;
  held: Record<HoldCause, string>;
}

export const ALERT_WORDS: Record<Language, AlertWords> = {
  es: {
    alert: 'Alerta',
    why: 'Por qué',
    themes: 'Temas',
    outletsWithin: (n, span) => `${n} ${n === 1 ? 'medio' : 'medios'} en ${span}`,
    outletsTogether: (n) => `${n} medios a la vez`,
    rule: 'regla',
    with: 'con',
    importance: 'importancia',
    joinedSince: (n) => `+${n} ${n === 1 ? 'medio' : 'medios'} desde la alerta`,
    update: 'Actualización',
    alertedAt: (time) => `alertada a las ${time}`,
    held: { rate: 'sin alerta: límite por hora', quiet: 'sin alerta: horas de silencio', muted: 'sin alerta: alertas en pausa' },
  },
  pt: {
    alert: 'Alerta',
    why: 'Por quê',
    themes: 'Temas',
    outletsWithin: (n, span) => `${n} ${n === 1 ? 'veículo' : 'veículos'} em ${span}`,
    outletsTogether: (n) => `${n} veículos ao mesmo tempo`,
    rule: 'regra',
    with: 'com',
    importance: 'importância',
    joinedSince: (n) => `+${n} ${n === 1 ? 'veículo' : 'veículos'} desde o alerta`,
    update: 'Atualização',
    alertedAt: (time) => `alerta às ${time}`,
    held: { rate: 'sem alerta: limite por hora', quiet: 'sem alerta: horário de silêncio', muted: 'sem alerta: alertas pausados' },
  },
  en: {
    alert: 'Alert',
    why: 'Why',
    themes: 'Themes',
    outletsWithin: (n, span) => `${n} ${n === 1 ? 'outlet' : 'outlets'} in ${span}`,
    outletsTogether: (n) => `${n} outlets at once`,
    rule: 'rule',
    with: 'with',
    importance: 'importance',
    joinedSince: (n) => `+${n} ${n === 1 ? 'outlet' : 'outlets'} since the alert`,
    update: 'Update',
    alertedAt: (time) => `alerted at ${time}`,
    held: { rate: 'no alert: hourly limit', quiet: 'no alert: quiet hours', muted: 'no alert: alerts paused' },
  },
};

const LOCALES: Record<Language, string> = { es: 'es', pt: 'pt-BR', en: 'en-GB' };

/** "14:05" in the destination's zone, on a 24-hour clock in all three languages. */
export function formatAlertTime(at: number, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "40 min", "2 h", "2,5 h" / "2.5 h": how long outlets took to pick a story up. */
export function formatSpan(ms: number, language: Language): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 30) / 2;
  return `${hours.toLocaleString(LOCALES[language])} h`;
}
