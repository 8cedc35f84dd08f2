import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { AlertRule, AlertServerSettings } from '../../core/alert.js';
import { localDateTime } from '../../core/time-zone.js';
import type { ThemeId } from '../../core/themes.js';
import type { Language } from '../../core/types.js';
import { THEME_HEADINGS } from '../../digest/digest-labels.js';
import { escapeMarkdown } from '../../digest/format-story.js';
import {
  MAX_ALERT_TERMS,
  MAX_ALERTS_PER_HOUR,
  MAX_MUTE_HOURS,
  alertAddOptions,
  alertMuteOptions,
  alertRemoveOptions,
  alertSettingsOptions,
  noOptions,
  parseOptions,
  type AlertAddOptions,
  type AlertMuteOptions,
  type AlertRemoveOptions,
  type AlertSettingsOptions,
  type Parsed,
} from '../command-options.js';
import { notice } from '../render-results.js';
import { themeChoices, type CommandContext, type SlashCommand } from './command.js';

/**
 * `/alerts add|list|remove|mute|settings`: a server's own priority alerts. A rule names a theme and a
 * channel; with terms it alerts when a story on the theme holds one of them (told by `outlets`
 * outlets, 1 by default), without them when the theme's story spreads (`outlets` outlets, 3 by
 * default, within 3 hours). The server's settings give its time zone, quiet hours and hourly limit.
 * The alert runner reads all of it every poll cycle. Answers come in the server's language.
 */

type AlertsInput =
  | { sub: 'add'; options: AlertAddOptions }
  | { sub: 'list' }
  | { sub: 'remove'; options: AlertRemoveOptions }
  | { sub: 'mute'; options: AlertMuteOptions }
  | { sub: 'settings'; options: AlertSettingsOptions };

const HOUR = 3_600_000;

const data = new SlashCommandBuilder()
  .setName('alerts')
  .setDescription('Priority alerts: the big story in a channel within minutes, between digests')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((sub) =>
    sub
      .setName('add')
      .setDescription('Alert a channel about a theme: on terms, or when its story spreads')
      .addStringOption((option) => option.setName('theme').setDescription('The theme').setRequired(true).setAutocomplete(true))
      .addChannelOption((option) =>
        option.setName('channel').setDescription('Where to post the alerts').setRequired(true).addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      )
      .addStringOption((option) => option.setName('terms').setDescription(`Up to ${MAX_ALERT_TERMS} words, separated by commas (strike, ataque, bombardeio)`).setMaxLength(300))
      .addIntegerOption((option) => option.setName('outlets').setDescription('How many outlets must carry it (terms: 1; without: 3)').setMinValue(1).setMaxValue(50))
      .addStringOption((option) =>
        option
          .setName('language')
          .setDescription('The alerts’ language (default: the server’s)')
          .addChoices({ name: 'Español', value: 'es' }, { name: 'Português', value: 'pt' }, { name: 'English', value: 'en' }),
      ),
  )
  .addSubcommand((sub) => sub.setName('list').setDescription('This server’s alert rules, and whether alerts are muted'))
  .addSubcommand((sub) =>
    sub
      .setName('remove')
      .setDescription('Remove one of this server’s alert rules')
      .addIntegerOption((option) => option.setName('rule').setDescription('The rule’s number, as /alerts list shows it').setRequired(true).setMinValue(1)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('mute')
      .setDescription('Pause this server’s alerts; what comes up meanwhile goes to the digest (0 lifts it)')
      .addIntegerOption((option) => option.setName('hours').setDescription(`How many hours (0 to ${MAX_MUTE_HOURS})`).setRequired(true).setMinValue(0).setMaxValue(MAX_MUTE_HOURS)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('settings')
      .setDescription('This server’s time zone, quiet hours and alerts per hour (no option: show them)')
      .addStringOption((option) => option.setName('timezone').setDescription('IANA time zone, e.g. America/Caracas').setMaxLength(64))
      .addStringOption((option) => option.setName('quiet_hours').setDescription('No alerts from HH:MM to HH:MM (e.g. 22:00-07:00), or off').setMaxLength(20))
      .addIntegerOption((option) => option.setName('per_hour').setDescription(`At most this many alerts per hour per channel (1 to ${MAX_ALERTS_PER_HOUR})`).setMinValue(1).setMaxValue(MAX_ALERTS_PER_HOUR)),
  );

/** The server's language: Spanish and Portuguese locales of any region, else English. */
export function serverLanguage(locale: string | null | undefined): Language {
  if (locale?.startsWith('es')) return 'es';
  if (locale?.startsWith('pt')) return 'pt';
  return 'en';
}

const WORDS = {
  es: {
    added: (n: number, channel: string) => `Listo: regla ${n}, alertas en ${channel}.`,
    velocity: (theme: string, outlets: number) => `Alerta cuando ${outlets} medios publiquen la misma noticia de «${theme}» en 3 horas.`,
    terms: (theme: string, terms: string, outlets: number) => `Alerta cuando una noticia de «${theme}» diga ${terms}${outlets > 1 ? ` y la publiquen ${outlets} medios` : ''}.`,
    none: 'Este servidor no tiene reglas de alerta. Crea una con `/alerts add`.',
    heading: 'Reglas de alerta de este servidor:',
    removed: (n: number) => `Regla ${n} eliminada.`,
    unknown: (n: number) => `Este servidor no tiene una regla ${n}. \`/alerts list\` muestra sus números.`,
    muted: (until: string, zone: string) => `Alertas en pausa hasta ${until} (${zone}); lo que surja mientras tanto irá al resumen.`,
    unmuted: 'Alertas reanudadas.',
    mutedNow: (until: string, zone: string) => `En pausa hasta ${until} (${zone}).`,
    limit: (n: number) => `Como máximo ${n} ${n === 1 ? 'alerta' : 'alertas'} por hora por canal; las demás esperan o van al resumen.`,
    settings: (zone: string, quiet: string | null) => `Zona horaria: ${zone}. Horas de silencio: ${quiet ?? 'ninguna'}; lo que surja en ellas sale al terminar.`,
    saved: 'Guardado.',
  },
  pt: {
    added: (n: number, channel: string) => `Pronto: regra ${n}, alertas em ${channel}.`,
    velocity: (theme: string, outlets: number) => `Alerta quando ${outlets} veículos publicarem a mesma notícia de «${theme}» em 3 horas.`,
    terms: (theme: string, terms: string, outlets: number) => `Alerta quando uma notícia de «${theme}» disser ${terms}${outlets > 1 ? ` e ${outlets} veículos a publicarem` : ''}.`,
    none: 'Este servidor não tem regras de alerta. Crie uma com `/alerts add`.',
    heading: 'Regras de alerta deste servidor:',
    removed: (n: number) => `Regra ${n} removida.`,
    unknown: (n: number) => `Este servidor não tem uma regra ${n}. \`/alerts list\` mostra os números.`,
    muted: (until: string, zone: string) => `Alertas pausados até ${until} (${zone}); o que surgir enquanto isso vai para o resumo.`,
    unmuted: 'Alertas retomados.',
    mutedNow: (until: string, zone: string) => `Pausados até ${until} (${zone}).`,
    limit: (n: number) => `No máximo ${n} ${n === 1 ? 'alerta' : 'alertas'} por hora por canal; os demais esperam ou vão para o resumo.`,
    settings: (zone: string, quiet: string | null) => `Fuso horário: ${zone}. Horas de silêncio: ${quiet ?? 'nenhuma'}; o que surgir nelas sai ao terminarem.`,
    saved: 'Salvo.',
  },
  en: {
    added: (n: number, channel: string) => `Done: rule ${n}, alerts in ${channel}.`,
    velocity: (theme: string, outlets: number) => `Alerts when ${outlets} outlets carry the same “${theme}” story within 3 hours.`,
    terms: (theme: string, terms: string, outlets: number) => `Alerts when a “${theme}” story says ${terms}${outlets > 1 ? ` and ${outlets} outlets carry it` : ''}.`,
    none: 'This server has no alert rules. Add one with `/alerts add`.',
    heading: 'Alert rules on this server:',
    removed: (n: number) => `Rule ${n} removed.`,
    unknown: (n: number) => `This server has no rule ${n}. \`/alerts list\` shows their numbers.`,
    muted: (until: string, zone: string) => `Alerts paused until ${until} (${zone}); what comes up meanwhile goes to the digest.`,
    unmuted: 'Alerts resumed.',
    mutedNow: (until: string, zone: string) => `Paused until ${until} (${zone}).`,
    limit: (n: number) => `At most ${n} ${n === 1 ? 'alert' : 'alerts'} per hour per channel; the rest wait or go to the digest.`,
    settings: (zone: string, quiet: string | null) => `Time zone: ${zone}. Quiet hours: ${quiet ?? 'none'}; what comes up in them goes out when they end.`,
    saved: 'Saved.',
  },
} as const;

function describeRule(rule: Pick<AlertRule, 'theme' | 'terms' | 'minOutlets'>, language: Language): string {
  const words = WORDS[language];
  const theme = themeHeading(rule.theme, language);
  if (rule.terms.length === 0) return words.velocity(theme, rule.minOutlets ?? 3);
  return words.terms(theme, rule.terms.map((term) => `«${escapeMarkdown(term)}»`).join(language === 'en' ? ' or ' : language === 'pt' ? ' ou ' : ' o '), rule.minOutlets ?? 1);
}

function themeHeading(theme: ThemeId, language: Language): string {
  return THEME_HEADINGS[theme][language];
}

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function describeSettings(settings: AlertServerSettings, language: Language): string {
  const words = WORDS[language];
  const quiet = settings.quietHours && `${clock(settings.quietHours.from)}–${clock(settings.quietHours.to)}`;
  return `${words.settings(settings.timezone, quiet)} ${words.limit(settings.maxPerHour)}`;
}

async function listRules(ctx: CommandContext, language: Language): Promise<string> {
  const words = WORDS[language];
  const rules = await ctx.app.store.alerts.rulesForGuild(ctx.guildId);
  const mute = (await ctx.app.store.alerts.mutes()).find((entry) => entry.guildId === ctx.guildId && entry.until > ctx.now);
  const settings = await ctx.app.store.alerts.settingsFor(ctx.guildId);
  const lines = rules.length === 0 ? [words.none] : [words.heading, ...rules.map((rule) => `**${rule.id}.** <#${rule.channelId}> · ${describeRule(rule, language)}`)];
  lines.push(describeSettings(settings, language));
  if (mute) lines.push(words.mutedNow(localDateTime(mute.until, settings.timezone), settings.timezone));
  return lines.join('\n');
}

export const alerts: SlashCommand<AlertsInput> = {
  data,
  access: () => 'manage-guild',
  ephemeral: () => true,
  parse(sub, raw): Parsed<AlertsInput> {
    switch (sub) {
      case 'add': {
        const parsed = parseOptions(alertAddOptions, raw);
        return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
      }
      case 'list': {
        const parsed = parseOptions(noOptions, raw);
        return parsed.ok ? { ok: true, value: { sub } } : parsed;
      }
      case 'remove': {
        const parsed = parseOptions(alertRemoveOptions, raw);
        return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
      }
      case 'mute': {
        const parsed = parseOptions(alertMuteOptions, raw);
        return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
      }
      case 'settings': {
        const parsed = parseOptions(alertSettingsOptions, raw);
        return parsed.ok ? { ok: true, value: { sub, options: parsed.value } } : parsed;
      }
      default:
        return { ok: false, message: 'Use /alerts add, list, remove, mute or settings.' };
    }
  },
  async execute(input, ctx) {
    const language = serverLanguage(ctx.guildLocale);
    const words = WORDS[language];
    const store = ctx.app.store.alerts;
    switch (input.sub) {
      case 'add': {
        const { theme, channel, terms, outlets } = input.options;
        const rule = { guildId: ctx.guildId, theme, terms: terms ?? [], minOutlets: outlets ?? null, channelId: channel, language: input.options.language ?? language, createdBy: ctx.userId, createdAt: ctx.now };
        const id = await store.addRule(rule);
        ctx.log.info({ user: ctx.userId, guild: ctx.guildId, rule: id, theme, channel }, `alerts: rule ${id} (${theme} → channel ${channel}) added by ${ctx.userId}`);
        return notice(`${words.added(id, `<#${channel}>`)} ${describeRule(rule, language)}\n${words.limit((await ctx.app.store.alerts.settingsFor(ctx.guildId)).maxPerHour)}`);
      }
      case 'list':
        return notice(await listRules(ctx, language));
      case 'remove': {
        const removed = await store.removeRule(ctx.guildId, input.options.rule);
        ctx.log.info({ user: ctx.userId, guild: ctx.guildId, rule: input.options.rule, removed }, `alerts: /alerts remove ${input.options.rule} by ${ctx.userId}: ${removed ? 'removed' : 'unknown'}`);
        return notice(removed ? words.removed(input.options.rule) : words.unknown(input.options.rule));
      }
      case 'mute': {
        const until = ctx.now + input.options.hours * HOUR;
        await store.mute(ctx.guildId, until, ctx.userId, ctx.now);
        ctx.log.info({ user: ctx.userId, guild: ctx.guildId, hours: input.options.hours }, `alerts: muted for ${input.options.hours} h by ${ctx.userId}`);
        const { timezone } = await ctx.app.store.alerts.settingsFor(ctx.guildId);
        return notice(input.options.hours === 0 ? words.unmuted : words.muted(localDateTime(until, timezone), timezone));
      }
      case 'settings': {
        const { timezone, quiet_hours: quietHours, per_hour: perHour } = input.options;
        if (timezone === undefined && quietHours === undefined && perHour === undefined) return notice(describeSettings(await store.settingsFor(ctx.guildId), language));
        const change = { guildId: ctx.guildId, ...(timezone === undefined ? {} : { timezone }), ...(quietHours === undefined ? {} : { quietHours }), ...(perHour === undefined ? {} : { maxPerHour: perHour }) };
        await store.saveSettings(change, ctx.userId, ctx.now);
        ctx.log.info({ user: ctx.userId, ...change }, `alerts: settings of ${ctx.guildId} changed by ${ctx.userId}`);
        return notice(`${words.saved} ${describeSettings(await store.settingsFor(ctx.guildId), language)}`);
      }
    }
  },
  autocomplete: (focused) => (focused.name === 'theme' ? themeChoices(focused.value) : []),
};
