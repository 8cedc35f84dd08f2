/** The essay's lens on an item: which way it moves integration, what holds it back, who is involved (config/lens.yaml). */

export const DIRECTIONS = ['advancing', 'stalling', 'reversing', 'none'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const OBSTACLE_IDS = ['shallow-institutions', 'weak-delegation', 'ideological-instrumentalization'] as const;
export type ObstacleId = (typeof OBSTACLE_IDS)[number];

/** The regional bodies an item can be about; countries are ISO 3166-1 alpha-2 codes. */
export const BODY_IDS = ['mercosur', 'celac', 'can', 'alba', 'unasur', 'sica', 'caricom', 'oas', 'pacific-alliance', 'prosur', 'brics'] as const;
export type BodyId = (typeof BODY_IDS)[number];

export interface LensReading {
  direction: Direction;
  obstacles: ObstacleId[];
  /** Bodies first, then countries, each group in alphabetical order. */
  actors: string[];
  /** The phrases that fired, as found in the text: `advancing: "firman en asuncion el acuerdo" (title)`. */
  evidence: string[];
}
