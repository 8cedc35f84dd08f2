import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  Events,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type CommandInteractionOption,
  type Interaction,
} from 'discord.js';
import { createRateLimiter } from '../core/rate-limiter.js';
import type { DigestRunner } from '../delivery/digest-runner.js';
import type { RawOptions } from './command-options.js';
import type { CommandApp, CommandContext, CommandDeps, SlashCommand } from './commands/command.js';
import { COMMANDS } from './commands/index.js';
import { deployCommands, deployTarget, describeTarget } from './deploy-commands.js';
import { apology, notice, type Reply } from './render-results.js';
import { themeNames } from './theme-names.js';

/**
 * The one place that talks to interactions: routes each by command name, checks permissions
 * (whatever Discord's default member permissions let through), validates options, applies the
 * per-user search limit, defers before any slow work, sends the command's reply, and turns any
 * unexpected error into a short private apology whose reference id is in the log line. Every
 * interaction gets an answer; none gets a stack trace.
 */

export interface InteractionHandlerOptions {
  app: CommandApp;
  runner?: DigestRunner | undefined;
  commands?: readonly SlashCommand[];
  /** Searches (and result pages) per user: default 8 per 30 seconds. */
  searchLimit?: { limit: number; windowMs: number };
  now?: () => number;
}

export const DEFAULT_SEARCH_LIMIT = { limit: 8, windowMs: 30_000 };

export interface InteractionHandler {
  handle(interaction: Interaction): Promise<void>;
  /** Resolves when every interaction being answered has been answered. */
  idle(): Promise<void>;
}

/** An 8-hex-digit reference: short enough to read out, unique enough to find one log line. */
export function referenceId(): string {
  return randomBytes(4).toString('hex');
}

const UNKNOWN_COMMAND =
  'This command is not part of this version of Sancocho. An admin can refresh the list with `npx sancocho deploy-commands`.';

const ephemeral = (reply: Reply) => ({ ...reply, flags: MessageFlags.Ephemeral as const });

/** The leaf options of the invoked subcommand (or of the command itself): name → value; channels as `{ id, type }`. */
export function rawOptions(data: readonly CommandInteractionOption[]): RawOptions {
  let leaves = data;
  while (
    leaves.length === 1 &&
    (leaves[0]?.type === ApplicationCommandOptionType.Subcommand || leaves[0]?.type === ApplicationCommandOptionType.SubcommandGroup)
  ) {
    leaves = leaves[0].options ?? [];
  }
  const raw: RawOptions = {};
  for (const option of leaves) {
    if (option.type === ApplicationCommandOptionType.Channel) {
      raw[option.name] = { id: String(option.value ?? option.channel?.id ?? ''), type: option.channel?.type ?? -1 };
    } else {
      raw[option.name] = option.value;
    }
  }
  return raw;
}

export function createInteractionHandler(options: InteractionHandlerOptions): InteractionHandler {
  const { app } = options;
  const log = app.logger.child({ module: 'interaction-handler' });
  const now = options.now ?? Date.now;
  const registry = new Map((options.commands ?? COMMANDS).map((command) => [command.data.name, command]));
  const deps: CommandDeps = {
    app,
    search: app.store.search,
    routes: app.store.routes,
    themes: themeNames().themes,
    runner: options.runner,
  };
  const limit = options.searchLimit ?? DEFAULT_SEARCH_LIMIT;
  const limiter = createRateLimiter({ ...limit, now });
  const inFlight = new Set<Promise<void>>();

  function context(interaction: Interaction, module: string): CommandContext {
    return {
      ...deps,
      userId: interaction.user.id,
      guildId: interaction.guildId ?? '',
      channelId: interaction.channelId,
      guildOf(channelId) {
        const channel = interaction.client.channels.cache.get(channelId);
        return channel && 'guildId' in channel ? channel.guildId : null;
      },
      guildLocale: interaction.guildLocale,
      now: now(),
      log: app.logger.child({ module }),
    };
  }

  const canManageGuild = (interaction: Interaction) =>
    interaction.inGuild() && interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true;

  /** Null, or a plain sentence saying how long to wait. */
  function searchLimited(userId: string): string | null {
    const waitMs = limiter.take(userId);
    if (waitMs === 0) return null;
    return `You are searching faster than Sancocho allows (${limit.limit} searches every ${Math.round(limit.windowMs / 1000)} seconds). Try again in ${Math.ceil(waitMs / 1000)} s.`;
  }

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const started = performance.now();
    const sub = interaction.options.getSubcommand(false);
    const label = sub ? `${interaction.commandName} ${sub}` : interaction.commandName;
    const command = registry.get(interaction.commandName);
    // Metric labels only ever name known commands, so a stray name cannot grow the series.
    const metric = command ? label : 'unknown';
    let outcome: 'ok' | 'error' = 'ok';
    let deferredPublicly = false;
    try {
      if (!command) {
        log.warn({ command: interaction.commandName }, `interaction-handler: unknown command /${interaction.commandName}`);
        await interaction.reply(ephemeral(notice(UNKNOWN_COMMAND)));
        return;
      }
      const refusal = precheck(interaction, command, sub, label);
      if (refusal !== null) {
        await interaction.reply(ephemeral(notice(refusal)));
        return;
      }
      const parsed = command.parse(sub, rawOptions(interaction.options.data));
      if (!parsed.ok) {
        await interaction.reply(ephemeral(notice(parsed.message)));
        return;
      }
      const limited = command.rateLimited?.(sub) ? searchLimited(interaction.user.id) : null;
      if (limited !== null) {
        await interaction.reply(ephemeral(notice(limited)));
        return;
      }
      const secret = command.ephemeral(sub);
      await interaction.deferReply(secret ? { flags: MessageFlags.Ephemeral } : {});
      deferredPublicly = !secret;
      const reply = await command.execute(parsed.value, context(interaction, interaction.commandName));
      await interaction.editReply(reply);
    } catch (error) {
      outcome = 'error';
      await apologize(interaction, `/${label}`, error, async (body) => {
        if (!interaction.deferred && !interaction.replied) return void (await interaction.reply(ephemeral(body)));
        if (interaction.deferred && !deferredPublicly) return void (await interaction.editReply(body));
        // A public "thinking…" would show the apology to everyone: remove it and tell only the person.
        if (interaction.deferred) await interaction.deleteReply().catch(() => undefined);
        await interaction.followUp(ephemeral(body));
      });
    } finally {
      app.metrics?.observeCommand(metric, (performance.now() - started) / 1000, outcome);
    }
  }

  /** Why this invocation may not run (plain language), or null. */
  function precheck(interaction: ChatInputCommandInteraction, command: SlashCommand, sub: string | null, label: string): string | null {
    if (!interaction.inGuild()) return 'Sancocho’s commands work inside a server, not in direct messages.';
    if (command.access(sub) === 'manage-guild' && !canManageGuild(interaction)) {
      log.info({ command: label, user: interaction.user.id, guild: interaction.guildId }, `interaction-handler: /${label} refused: no Manage Server permission`);
      return `You need the Manage Server permission to use /${label}.`;
    }
    return null;
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const started = performance.now();
    const name = interaction.customId.split(':', 1)[0] ?? '';
    const label = registry.has(name) ? `${name} page` : 'unknown';
    let outcome: 'ok' | 'error' = 'ok';
    try {
      const click = registry.get(name)?.button?.(interaction.customId) ?? { ok: false as const, message: 'This button no longer works.' };
      if (!click.ok || !interaction.inGuild()) {
        await interaction.reply(ephemeral(notice(click.ok ? 'Sancocho’s buttons work inside a server.' : click.message)));
        return;
      }
      const limited = click.value.rateLimited ? searchLimited(interaction.user.id) : null;
      if (limited !== null) {
        await interaction.reply(ephemeral(notice(limited)));
        return;
      }
      await interaction.deferUpdate();
      const reply = await click.value.run(context(interaction, name));
      await interaction.editReply(reply);
    } catch (error) {
      outcome = 'error';
      await apologize(interaction, `button ${interaction.customId.slice(0, 40)}`, error, async (body) => {
        if (!interaction.deferred && !interaction.replied) await interaction.reply(ephemeral(body));
        else await interaction.followUp(ephemeral(body));
      });
    } finally {
      app.metrics?.observeCommand(label, (performance.now() - started) / 1000, outcome);
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    try {
      const command = registry.get(interaction.commandName);
      const sub = interaction.options.getSubcommand(false);
      const allowed = command?.autocomplete && interaction.inGuild() && (command.access(sub) === 'everyone' || canManageGuild(interaction));
      if (!command?.autocomplete || !allowed) {
        await interaction.respond([]);
        return;
      }
      const focused = interaction.options.getFocused(true);
      const choices = await command.autocomplete({ name: focused.name, value: String(focused.value ?? '') }, sub, context(interaction, interaction.commandName));
      await interaction.respond(choices.slice(0, 25));
    } catch (error) {
      const ref = referenceId();
      log.error({ ref, command: interaction.commandName, err: error }, `interaction-handler: autocomplete for /${interaction.commandName} failed (ref ${ref})`);
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    }
  }

  /** Logs the error with a fresh reference id and sends the apology carrying it; a failed send is logged too. */
  async function apologize(interaction: Interaction, what: string, error: unknown, send: (body: Reply) => Promise<void>): Promise<void> {
    const ref = referenceId();
    log.error(
      { ref, interaction: interaction.id, user: interaction.user.id, guild: interaction.guildId, err: error },
      `interaction-handler: ${what} failed (ref ${ref})`,
    );
    try {
      await send(apology(ref));
    } catch (sendError) {
      log.warn({ ref, err: sendError }, `interaction-handler: could not send the apology for ref ${ref}`);
    }
  }

  async function dispatch(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) return onCommand(interaction);
    if (interaction.isAutocomplete()) return onAutocomplete(interaction);
    if (interaction.isButton()) return onButton(interaction);
    log.debug({ type: interaction.type }, 'interaction-handler: ignored an interaction of another kind');
  }

  return {
    async handle(interaction) {
      const work = dispatch(interaction).catch((error: unknown) => {
        log.error({ err: error }, 'interaction-handler: an interaction handler threw');
      });
      inFlight.add(work);
      try {
        await work;
      } finally {
        inFlight.delete(work);
      }
    },
    async idle() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

export interface RunningInteractions {
  /** Resolves once the commands are registered (or registration failed and was logged). */
  registered: Promise<void>;
  /** Stops taking interactions and waits (at most `graceMs`) for those being answered. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Bot mode: answers interactions on the logged-in client and registers the commands — in
 * `guildId`'s server when given, else globally. Registration runs in the background; its failure is
 * logged with what to do and does not stop the bot (the commands registered before keep working).
 */
export function startInteractions(
  options: InteractionHandlerOptions & {
    client: Client;
    guildId?: string | undefined;
    /** False for a bot worker that leaves registering the commands to another (the one running shard 0); default true. */
    register?: boolean;
  },
): RunningInteractions {
  const { client } = options;
  const log = options.app.logger.child({ module: 'interaction-handler' });
  const handler = createInteractionHandler(options);
  const listener = (interaction: Interaction) => void handler.handle(interaction);
  client.on(Events.InteractionCreate, listener);

  const registered = (async () => {
    if (options.register === false) {
      log.info({}, 'interaction-handler: slash commands are registered by the bot worker running shard 0, not this one');
      return;
    }
    const target = deployTarget(options.guildId);
    if ('invalid' in target) {
      log.error({}, `interaction-handler: slash commands not registered: ${target.invalid}`);
      return;
    }
    const applicationId = client.application?.id;
    if (!applicationId) {
      log.error({}, 'interaction-handler: slash commands not registered: the gateway gave no application id');
      return;
    }
    const outcome = await deployCommands(client.rest, applicationId, target, options.commands);
    if (outcome.kind === 'deployed') {
      log.info({ commands: outcome.names, scope: target.scope }, `interaction-handler: ${outcome.names.length} slash commands registered in ${describeTarget(target)}`);
    } else {
      log.error({ kind: outcome.kind }, `interaction-handler: slash commands not registered: ${outcome.message}`);
    }
  })();

  return {
    registered,
    async close(graceMs = 10_000) {
      client.off(Events.InteractionCreate, listener);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all([registered, handler.idle()]), grace]);
      clearTimeout(timer);
    },
  };
}
