import { REST, Routes, WebhookClient } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_ID, startFakeDiscord, WEBHOOK_ID, WEBHOOK_TOKEN, type FakeDiscord } from '../peers/fake-discord.js';

/** The fake Discord reads attachments and edits as Discord does, so delivery tests can rely on them. */
describe('fake Discord: files and edits', () => {
  let discord: FakeDiscord;
  let rest: REST;
  beforeEach(async () => {
    discord = await startFakeDiscord();
    rest = new REST({ api: discord.api }).setToken(discord.token);
  });
  afterEach(async () => {
    await discord.close();
  });

  it('keeps the bytes and name of a file the bot attaches, and lists it on the message', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const sent = (await rest.post(Routes.channelMessages(CHANNEL_ID), {
      body: { content: 'barómetro', attachments: [{ id: 0, filename: 'chart.png' }] },
      files: [{ name: 'chart.png', data: png, contentType: 'image/png' }],
    })) as { id: string; attachments: { filename: string; size: number }[] };

    expect(sent.attachments).toEqual([expect.objectContaining({ filename: 'chart.png', size: png.length })]);
    const [message] = discord.messages;
    expect(message?.body.content).toBe('barómetro');
    expect(message?.files.map((f) => [f.filename, f.contentType, f.bytes.equals(png)])).toEqual([['chart.png', 'image/png', true]]);
  });

  it('records the bot editing its message, and answers 404 for a message that does not exist', async () => {
    const sent = (await rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: 'first' } })) as { id: string };
    const edited = (await rest.patch(Routes.channelMessage(CHANNEL_ID, sent.id), { body: { content: 'first (+4 outlets)' } })) as {
      content: string;
      edited_timestamp: string | null;
    };

    expect(edited.content).toBe('first (+4 outlets)');
    expect(edited.edited_timestamp).not.toBeNull();
    expect(discord.messages[0]?.edits).toEqual([{ content: 'first (+4 outlets)' }]);
    await expect(rest.patch(Routes.channelMessage(CHANNEL_ID, '1234567890123456789'), { body: { content: 'x' } })).rejects.toThrow(/Unknown Message/);
  });

  it('lets a webhook attach a file and edit its own message', async () => {
    const webhook = new WebhookClient({ id: WEBHOOK_ID, token: WEBHOOK_TOKEN }, { rest: { api: discord.api } });
    const sent = await webhook.send({ content: 'briefing', files: [{ attachment: Buffer.from('svg'), name: 'briefing.png' }] });
    await webhook.editMessage(sent.id, { content: 'briefing, edited' });
    webhook.destroy();

    const [message] = discord.messages;
    expect(message?.webhookId).toBe(WEBHOOK_ID);
    expect(message?.files.map((f) => f.filename)).toEqual(['briefing.png']);
    expect(message?.body.content).toBe('briefing, edited');
    expect(discord.requests.some((r) => r.method === 'PATCH' && r.path === `/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}/messages/${sent.id}`)).toBe(true);
  });
});
