import type { HoldCause } from '../core/alert.js';
import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';
import { THEME_HEADINGS } from '../digest/digest-labels.js';
import type { Story } from '../digest/digest-types.js';
import { collapse, cut, escapeMarkdown, linkedTitle, outletName, storyDetails } from '../digest/format-story.js';
import { DISCORD_LIMITS, type DiscordMessageBody } from '../digest/split-messages.js';
import { ALERT_WORDS, formatAlertTime, formatSpan } from './alert-labels.js';
import type { AlertReason } from './alert-types.js';

/** The model's fact and a rule's words are quoted, not trusted: escaped and capped like headlines. */
const MAX_QUOTED_CHARS = 200;

export interface AlertView {
  story: Story;
  reasons: readonly AlertReason[];
  language: Language;
  timezone: string;
}

/**
 * The alert as one Discord message, pure. Plain content rather than an embed, so the phone's
 * notification shows the headline:
 *
 *   🚨 **Alerta · EE. UU. y Venezuela**
 *   **[EE. UU. ataca una lancha frente a Venezuela](https://…)**
 *   El Nacional · es/en · +2 medios: Efecto Cocuyo, Reuters
 *   **Por qué:** 3 medios en 2 h · regla «ataque» (El Nacional)
 *   **Temas:** EE. UU. y Venezuela · Seguridad y crimen organizado
 *
 * Headlines, outlets, terms and the model's fact are escaped, so nothing in them formats, links
 * or mentions; every line is capped, so the message always fits Discord's limit.
 */
export function renderAlert(view: AlertView): DiscordMessageBody {
  return message(alertLines(view));
}

/**
 * The same message after more outlets carried the story: the outlet line lists them all, and a last
 * line says how many joined since the alert went out (and when it did). Sent as an edit of the alert.
 */
export function renderAlertEdit(view: AlertView & { joined: number; alertedAt: number }): DiscordMessageBody {
  const words = ALERT_WORDS[view.language];
  const when = formatAlertTime(view.alertedAt, view.language, view.timezone);
  return message([...alertLines(view), `**${words.update}:** ${words.joinedSince(view.joined)} (${when})`]);
}

/** How a story the destination already got as an alert, or one held back from alerts, reads in the digest. */
export type DigestAlertState = { kind: 'alerted'; at: number } | { kind: 'held'; because: HoldCause };

/**
 * The digest's marker for such a story, to follow its details line: "⚡ alertada a las 14:05" or
 * "⏸ sin alerta: horas de silencio". Pure; the digest renderer adds it when it learns which
 * stories were alerted (its output does not change until then).
 */
export function digestAlertMarker(state: DigestAlertState, language: Language, timezone: string): string {
  const words = ALERT_WORDS[language];
  return state.kind === 'alerted' ? `⚡ ${words.alertedAt(formatAlertTime(state.at, language, timezone))}` : `⏸ ${words.held[state.because]}`;
}

/** "3 medios en 2 h · regla «suspende» con «Mercosur» (El Nacional) · importancia 0,9: «…»" */
export function describeReasons(reasons: readonly AlertReason[], language: Language): string {
  const words = ALERT_WORDS[language];
  return reasons
    .map((reason) => {
      if (reason.kind === 'velocity') {
        return reason.spanMs < 60_000 ? words.outletsTogether(reason.outlets) : words.outletsWithin(reason.outlets, formatSpan(reason.spanMs, language));
      }
      if (reason.kind === 'rule') {
        const entity = reason.entity ? ` ${words.with} «${quoted(reason.entity)}»` : '';
        return `${words.rule} «${quoted(reason.term)}»${entity} (${outletName(reason.outlet)})`;
      }
      return `${words.importance} ${reason.score.toLocaleString(language === 'pt' ? 'pt-BR' : language)}: «${quoted(reason.fact)}»`;
    })
    .join(' · ');
}

function alertLines(view: AlertView): string[] {
  const words = ALERT_WORDS[view.language];
  const themes = storyThemes(view.story, view.reasons);
  const headings = themes.map((theme) => THEME_HEADINGS[theme][view.language]);
  return [
    `🚨 **${words.alert}${headings[0] ? ` · ${headings[0]}` : ''}**`,
    `**${linkedTitle(view.story)}**`,
    storyDetails(view.story, view.language),
    `**${words.why}:** ${describeReasons(view.reasons, view.language)}`,
    ...(headings.length > 0 ? [`**${words.themes}:** ${headings.join(' · ')}`] : []),
  ];
}

/** The theme that made the alert first (a rule's, velocity's), then the story's others by score. */
function storyThemes(story: Story, reasons: readonly AlertReason[]): ThemeId[] {
  const first = reasons.flatMap((reason) => (reason.kind === 'importance' ? [] : [reason.theme]));
  const byScore = (Object.entries(story.themes) as [ThemeId, number][]).sort((a, b) => b[1] - a[1]).map(([theme]) => theme);
  return [...new Set([...first, ...byScore])];
}

function quoted(text: string): string {
  return escapeMarkdown(cut(collapse(text), MAX_QUOTED_CHARS));
}

function message(lines: string[]): DiscordMessageBody {
  return { content: cut(lines.join('\n'), DISCORD_LIMITS.content), embeds: [], allowed_mentions: { parse: [] } };
}
