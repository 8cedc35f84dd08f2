import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/core/errors.js';
import { openPostgresStore } from '../../../src/store/postgres/open-postgres-store.js';

describe('opening a PostgreSQL store', () => {
  it('gives up with a clear error when the server accepts the connection and never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const opening = openPostgresStore(`postgres://sancocho:secret@127.0.0.1:${port}/news`, { connectTimeoutMs: 300 });
      await expect(opening).rejects.toThrow(DatabaseError);
      await expect(opening).rejects.toThrow(
        `database postgres://sancocho:***@127.0.0.1:${port}/news: the PostgreSQL server did not answer the connection in time; is it a PostgreSQL server, and is it overloaded?`,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
