import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { collapse, cut, escapeMarkdown } from '../../digest/format-story.js';
import { readStatus, type DestinationStatusLine, type StatusReport } from '../../ops/status-report.js';
import { destinationOutcomeText, digestOutcomeText, feedOutcomeText, type Medium } from '../../ops/status-text.js';
import { noOptions, parseOptions } from '../command-options.js';
import { notice } from '../render-results.js';
import type { SlashCommand } from './command.js';
import { schedulesFor } from './digest.js';

/** Feeds with a problem listed by name; the rest are counted (`/feeds status` lists them all). */
const MAX_FEEDS_LISTED = 8;

/**
 * `/status` (Manage Server, private): where digests go and whether Discord accepts them, each
 * schedule's last digest, and the feeds that are failing — the same report as `sancocho status`,
 * narrowed to this server: its subscriptions, its own and the config file's feeds, and the
 * schedules it may see (as `/digest now`).
 */
export const status: SlashCommand<Record<string, never>> = {
  data: new SlashCommandBuilder()
    .setName('status')
    .setDescription('Digest destinations, schedules and failing feeds, with their last outcome (Manage Server)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),
  access: () => 'manage-guild',
  ephemeral: () => true,
  parse: (_sub, raw) => parseOptions(noOptions, raw),
  async execute(_input, ctx) {
    return notice(renderStatusText(await readStatus(ctx.app, ctx.now, { guildId: ctx.guildId, schedules: schedulesFor(ctx) })));
  },
};

/** The report as one plain message: Discord timestamps show each time in the reader's own zone. */
export function renderStatusText(report: StatusReport): string {
  const text = (value: string, max = 300) => escapeMarkdown(cut(collapse(value), max));
  const medium: Medium = { when: (at) => `<t:${Math.floor(at / 1000)}:R>`, quote: (value) => text(value) };
  const lines = ['**Destinations**'];
  if (report.destinations.length === 0) lines.push('No digest goes to Discord yet.');
  for (const destination of report.destinations) {
    const warning = destination.last.kind === 'refused' ? '⚠️ ' : '';
    lines.push(`• ${warning}${destinationName(destination)} (${text(destination.usedBy.join(', '), 120)}): ${destinationOutcomeText(destination.last, medium)}`);
  }
  lines.push('', '**Digest schedules**');
  if (report.schedules.length === 0) lines.push('None configured.');
  for (const schedule of report.schedules) {
    lines.push(`• **${text(schedule.name, 80)}** (\`${schedule.cron}\`, ${schedule.timezone}): ${digestOutcomeText(schedule.last, medium)}`);
  }
  const troubled = report.feeds.filter((feed) => feed.status !== 'active' || feed.last.kind === 'error');
  const counts = (['active', 'failing', 'disabled'] as const)
    .map((state) => [state, report.feeds.filter((feed) => feed.status === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`);
  lines.push('', `**Feeds**: ${report.feeds.length}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`);
  if (troubled.length === 0 && report.feeds.length > 0) lines.push('No feed is failing.');
  for (const feed of troubled.slice(0, MAX_FEEDS_LISTED)) {
    lines.push(`• **${text(feed.name, 80)}** (${feed.status}): ${feedOutcomeText(feed.last, medium)}`);
  }
  if (troubled.length > MAX_FEEDS_LISTED) lines.push(`…and ${troubled.length - MAX_FEEDS_LISTED} more: see /feeds status.`);
  return lines.join('\n');
}

function destinationName(destination: DestinationStatusLine): string {
  if (destination.key.startsWith('channel:')) return `<#${destination.key.slice('channel:'.length)}>`;
  return destination.key === 'preview' ? 'preview (not posted to Discord)' : destination.label;
}
