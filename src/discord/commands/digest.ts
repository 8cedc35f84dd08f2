import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { foldTyped } from '../../classify/fold-text.js';
import type { DigestScheduleConfig } from '../../config/config-schema.js';
import { collapse, cut, escapeMarkdown } from '../../digest/format-story.js';
import { formatDuration } from '../../core/duration.js';
import type { DigestReport } from '../../delivery/digest-runner.js';
import { digestNowOptions, parseOptions, quoted, type DigestNowOptions, type Parsed } from '../command-options.js';
import { notice } from '../render-results.js';
import { MAX_CHOICES, choice, type CommandContext, type SlashCommand } from './command.js';

/** `/digest now [schedule]`: builds a digest of a configured schedule now and posts it where that schedule posts. */

const data = new SlashCommandBuilder()
  .setName('digest')
  .setDescription('Digests of the news')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((sub) =>
    sub
      .setName('now')
      .setDescription('Build a digest now and post it where its schedule posts')
      .addStringOption((option) =>
        option.setName('schedule').setDescription('Which digest schedule (default: the first in the config file)').setAutocomplete(true),
      ),
  );

/** "<#123>", "its webhook" or "a preview on the server": where a report says the digest went. */
function where(destination: string): string {
  const channel = /^channel (\d+)$/.exec(destination);
  if (channel) return `<#${channel[1]}>`;
  if (destination.startsWith('webhook ')) return 'its webhook';
  return 'a preview on the server';
}

function reason(report: DigestReport): string {
  return escapeMarkdown(cut(collapse(report.error ?? 'unknown error'), 300));
}

/**
 * The schedules a server may see and run: those that post to one of its channels, and the
 * operator's webhook and preview schedules, which name no channel. A schedule posting to another
 * server's channel is that server's.
 */
export function schedulesFor(ctx: Pick<CommandContext, 'app' | 'guildId' | 'guildOf'>): DigestScheduleConfig[] {
  return ctx.app.config.digests.filter((schedule) => {
    const channelId = schedule.destination?.channelId;
    return channelId === undefined || ctx.guildOf(channelId) === ctx.guildId;
  });
}

/** `here` says whether a channel is this server's: the routed channels of other servers are not named. */
export function describeDigestReport(report: DigestReport, schedule: DigestScheduleConfig, here: (channelId: string) => boolean): string {
  const head = `The **${escapeMarkdown(schedule.name)}** digest (last ${formatDuration(schedule.window)})`;
  const messages = (count: number) => `${count} ${count === 1 ? 'message' : 'messages'}`;
  const stories = `${report.stories} ${report.stories === 1 ? 'story' : 'stories'}`;
  let text: string;
  switch (report.status) {
    case 'empty':
      text = report.alreadyReceived
        ? `${head} has nothing new: ${where(report.destination)} already has ${report.alreadyReceived === 1 ? 'its one story' : `all ${report.alreadyReceived} of its stories`}, so nothing was posted.`
        : `${head} has no stories, so nothing was posted.`;
      break;
    case 'sent':
      text =
        report.destination === 'preview'
          ? `${head} has no Discord destination in the config file, so it was saved as a preview on the server (${stories}).`
          : `${head} was posted: ${messages(report.parts)} to ${where(report.destination)}, ${stories}.`;
      break;
    case 'pending':
      text = `${head}: ${report.sentParts} of ${messages(report.parts)} posted to ${where(report.destination)}; the rest will be retried automatically (${reason(report)}).`;
      break;
    case 'failed':
      text = `${head} could not be posted to ${where(report.destination)}: ${reason(report)}`;
      break;
  }
  for (const routed of report.routed ?? []) {
    const channel = /^channel (\d+)$/.exec(routed.destination)?.[1];
    if (channel === undefined || !here(channel)) continue;
    const target = where(routed.destination);
    if (routed.status === 'sent') text += `\nAlso posted to ${target} (themes subscribed there): ${routed.stories} ${routed.stories === 1 ? 'story' : 'stories'}.`;
    else if (routed.status === 'pending') text += `\n${target}: ${routed.sentParts} of ${messages(routed.parts)} posted; the rest will be retried.`;
    else if (routed.status === 'failed') text += `\nCould not post to ${target}: ${reason(routed)}`;
  }
  return text;
}

export const digest: SlashCommand<DigestNowOptions> = {
  data,
  access: () => 'manage-guild',
  ephemeral: () => true,
  parse(sub, raw): Parsed<DigestNowOptions> {
    if (sub !== 'now') return { ok: false, message: 'Use /digest now.' };
    return parseOptions(digestNowOptions, raw);
  },
  async execute(input, ctx) {
    const schedules = schedulesFor(ctx);
    if (schedules.length === 0) {
      return notice('No digest schedule posts to this server (`digests:` in the config file on the server), so there is no digest to post.');
    }
    const wanted = input.schedule === undefined ? undefined : foldTyped(input.schedule);
    const schedule = wanted === undefined ? schedules[0] : schedules.find((s) => foldTyped(s.name) === wanted);
    if (!schedule) {
      const known = schedules.map((s) => s.name).join(', ');
      return notice(`There is no digest schedule called “${quoted(input.schedule)}”. The schedules are: ${escapeMarkdown(known)}.`);
    }
    if (!ctx.runner) return notice('Digests are not running in this Sancocho process, so none can be posted from here.');
    ctx.log.info({ schedule: schedule.name, user: ctx.userId }, `digest: /digest now ${schedule.name} requested`);
    const report = await ctx.runner.run(schedule, { trigger: 'manual' });
    return notice(describeDigestReport(report, schedule, (channelId) => ctx.guildOf(channelId) === ctx.guildId));
  },
  autocomplete(focused, _sub, ctx) {
    if (focused.name !== 'schedule') return [];
    const typed = foldTyped(focused.value);
    return schedulesFor(ctx)
      .filter((schedule) => foldTyped(schedule.name).includes(typed))
      .slice(0, MAX_CHOICES)
      .map((schedule) => choice(`${schedule.name} (${schedule.cron}, last ${formatDuration(schedule.window)})`, schedule.name));
  },
};
