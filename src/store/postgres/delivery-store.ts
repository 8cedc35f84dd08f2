import type { PartItem } from '../../core/part-item.js';
import type { PgSession } from './pg-session.js';

/**
 * What each destination already has (see sqlite/delivery-store.ts). A part's items count as
 * delivered once the part is marked sent: migration 1's trigger copies them then, in the same transaction.
 */
export function createPgDeliveryStore(db: PgSession) {
  return {
    async recordParts(digestId: number, parts: readonly (readonly PartItem[])[]): Promise<void> {
      const rows = parts.flatMap((items, index) => items.map((item) => ({ part: index + 1, ...item })));
      if (rows.length === 0) return;
      // One statement for every item of every part, from parallel arrays.
      await db.execute(
        `INSERT INTO digest_part_items (digest_id, part, item_id, title)
         SELECT $1::bigint, * FROM unnest($2::int[], $3::bigint[], $4::text[])
         ON CONFLICT DO NOTHING`,
        [digestId, rows.map((row) => row.part), rows.map((row) => row.itemId), rows.map((row) => row.title)],
      );
    },

    async received(destination: string, itemIds: readonly number[]): Promise<Map<number, string>> {
      const result = new Map<number, string>();
      if (itemIds.length === 0) return result;
      // Delivered items first, then items in parts still waiting to go there: those are on their way.
      const rows = await db.query<PartItem>(
        `SELECT item_id AS "itemId", title FROM delivered_items WHERE destination = $1 AND item_id = ANY ($2::bigint[])
         UNION ALL
         SELECT i.item_id, i.title FROM digests d
           JOIN digest_parts p ON p.digest_id = d.id AND p.status = 'pending'
           JOIN digest_part_items i ON i.digest_id = p.digest_id AND i.part = p.part
         WHERE d.destination = $1 AND d.status = 'pending' AND i.item_id = ANY ($2::bigint[])`,
        [destination, itemIds],
      );
      for (const row of rows) result.set(row.itemId, row.title);
      return result;
    },
  };
}
