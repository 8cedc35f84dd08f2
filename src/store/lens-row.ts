import type { Direction, ItemLensReading, ObstacleId, StoredLensReading } from '../core/lens.js';

/** A lens_readings row as both engines write and read it: lists as JSON text, importance in two nullable columns. */
export interface LensRow {
  itemId: number;
  direction: Direction;
  obstacles: string;
  actors: string;
  evidence: string;
  quote: string | null;
  source: 'offline' | 'llm';
  importanceScore: number | null;
  importanceFact: string | null;
  readAt: number;
}

export function lensRow(itemId: number, lens: ItemLensReading, readAt: number): LensRow {
  return {
    itemId,
    direction: lens.direction,
    obstacles: JSON.stringify(lens.obstacles),
    actors: JSON.stringify(lens.actors),
    evidence: JSON.stringify(lens.evidence),
    quote: lens.quote,
    source: lens.source,
    importanceScore: lens.importance?.score ?? null,
    importanceFact: lens.importance?.fact ?? null,
    readAt,
  };
}

export function readLensRow(row: LensRow): StoredLensReading {
  return {
    itemId: Number(row.itemId),
    direction: row.direction,
    obstacles: JSON.parse(row.obstacles) as ObstacleId[],
    actors: JSON.parse(row.actors) as string[],
    evidence: JSON.parse(row.evidence) as string[],
    quote: row.quote,
    source: row.source,
    importance: row.importanceScore === null || row.importanceFact === null ? null : { score: row.importanceScore, fact: row.importanceFact },
    readAt: Number(row.readAt),
  };
}
