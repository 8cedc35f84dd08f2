import type { Database } from 'better-sqlite3';
import type { PartItem } from '../../core/part-item.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * What each destination already has, so no digest (manual or scheduled, any slot) posts a story
 * there twice. The items of every outbox part are written with the part; they count as delivered
 * once the part is marked sent (a trigger of migration 5 copies them then, in the same transaction).
 */

export function createSqliteDeliveryStore(db: Database) {
  const insertPartItem = db.prepare(
    `INSERT INTO digest_part_items (digest_id, part, item_id, title) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  // Delivered items first, then items in parts still waiting to go there: those are on their way,
  // and a digest built meanwhile must not carry them a second time.
  const received = db.prepare(
    `SELECT item_id AS itemId, title FROM delivered_items
     WHERE destination = @destination AND item_id IN (SELECT value FROM json_each(@ids))
     UNION ALL
     SELECT i.item_id AS itemId, i.title FROM digests d
       JOIN digest_parts p ON p.digest_id = d.id AND p.status = 'pending'
       JOIN digest_part_items i ON i.digest_id = p.digest_id AND i.part = p.part
     WHERE d.destination = @destination AND d.status = 'pending' AND i.item_id IN (SELECT value FROM json_each(@ids))`,
  );

  const record = writeTransaction(db, (digestId: number, parts: readonly (readonly PartItem[])[]) => {
    parts.forEach((items, index) => {
      for (const item of items) insertPartItem.run(digestId, index + 1, item.itemId, item.title);
    });
  });

  return {
    /** The items of each part of a digest, parts numbered from 1 as in the outbox. */
    recordParts: async (digestId: number, parts: readonly (readonly PartItem[])[]): Promise<void> => record(digestId, parts),

    /** Of `itemIds`, those the destination has received or has on the way, with the title it got. */
    async received(destination: string, itemIds: readonly number[]): Promise<Map<number, string>> {
      const result = new Map<number, string>();
      if (itemIds.length === 0) return result;
      const rows = received.all({ destination, ids: JSON.stringify(itemIds) }) as PartItem[];
      for (const row of rows) result.set(row.itemId, row.title);
      return result;
    },
  };
}
