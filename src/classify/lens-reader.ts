import { BODY_IDS, OBSTACLE_IDS, type Direction, type LensReading, type ObstacleId } from '../core/lens.js';
import type { ThemeId } from '../core/themes.js';
import { LANGUAGES, type Language } from '../core/types.js';
import type { LensConfig } from './lens-config.js';
import { findPattern, matchText, parsePattern, type MatchText, type Pattern } from './lens-pattern.js';

export interface LensInput {
  title: string;
  summary: string;
  lang?: Language;
  /** The item's themes; an item with none is off-topic and gets no reading. */
  themes: readonly ThemeId[];
}

/** The offline lens: rules from lens.yaml, no network, deterministic. */
export interface LensReader {
  /** null for an off-topic item. */
  read(input: LensInput): LensReading | null;
}

interface Rule {
  label: string;
  parts: Pattern;
  weight: number;
  /** undefined: any language (names). */
  lang?: Language;
}

/** "US$ 1,3 bilhão" is a sum of money, not the United States. */
function withoutCurrency(text: string): string {
  return text.replace(/\bUS\$/g, '$');
}

/** Ties go to the rarer, more specific reading. */
const DIRECTION_ORDER = ['reversing', 'stalling', 'advancing'] as const;

function compileRules(vocabulary: Partial<Record<Language, Record<string, number>>>): Rule[] {
  return LANGUAGES.flatMap((lang) =>
    Object.entries(vocabulary[lang] ?? {}).flatMap(([label, weight]) => {
      const parsed = parsePattern(label);
      return parsed.kind === 'pattern' ? [{ label, parts: parsed.parts, weight, lang }] : [];
    }),
  );
}

function compileNames(names: string[]): Rule[] {
  return names.flatMap((label) => {
    const parsed = parsePattern(label);
    return parsed.kind === 'pattern' ? [{ label, parts: parsed.parts, weight: 1 }] : [];
  });
}

export function createLensReader(config: LensConfig): LensReader {
  const { titleWeight, summaryWeight, threshold, obstacleThreshold } = config.scoring;
  const directionRules = new Map(DIRECTION_ORDER.map((direction) => [direction, compileRules(config.direction[direction])]));
  const obstacleRules = new Map(OBSTACLE_IDS.map((id) => [id, compileRules(config.obstacles[id])]));
  const regionNames = Object.entries(config.actors.region).map(([code, names]) => [code, compileNames(names)] as const);
  const outsideNames = Object.entries(config.actors.outside).map(([code, names]) => [code, compileNames(names)] as const);
  const bodyNames = BODY_IDS.map((id) => [id, compileNames(config.actors.bodies[id])] as const);
  const contextThemes = new Set<ThemeId>(config.context.themes);

  /** Raw score of a set of rules on title and summary, and the phrases that fired. */
  const score = (rules: Rule[], title: MatchText, summary: MatchText, lang: Language | undefined, name: string) => {
    let raw = 0;
    const evidence: string[] = [];
    for (const rule of rules) {
      if (lang && rule.lang && rule.lang !== lang) continue;
      const inTitle = findPattern(title, rule.parts);
      const inSummary = findPattern(summary, rule.parts);
      if (inTitle === null && inSummary === null) continue;
      raw += rule.weight * ((inTitle !== null ? titleWeight : 0) + (inSummary !== null ? summaryWeight : 0));
      evidence.push(`${name}: "${inTitle ?? inSummary}" (${inTitle !== null ? (inSummary !== null ? 'title+summary' : 'title') : 'summary'})`);
    }
    return { raw, evidence };
  };

  const found = (names: Rule[], title: MatchText, summary: MatchText): string | null => {
    for (const rule of names) {
      const phrase = findPattern(title, rule.parts) ?? findPattern(summary, rule.parts);
      if (phrase !== null) return phrase;
    }
    return null;
  };

  const read = (input: LensInput): LensReading | null => {
    if (input.themes.length === 0) return null;
    const title = matchText(withoutCurrency(input.title));
    const summary = matchText(withoutCurrency(input.summary));
    const evidence: string[] = [];

    const actorsOf = (table: readonly (readonly [string, Rule[]])[]) =>
      table.flatMap(([code, names]) => {
        const phrase = found(names, title, summary);
        if (phrase === null) return [];
        evidence.push(`actor ${code}: "${phrase}"`);
        return [code];
      });
    const bodies = actorsOf(bodyNames);
    const regional = actorsOf(regionNames);
    const outside = actorsOf(outsideNames);
    const actors = [...bodies.sort(), ...[...regional, ...outside].sort()];

    const inContext = bodies.length > 0 || regional.length >= config.context.minRegionalCountries || input.themes.some((theme) => contextThemes.has(theme));
    let direction: Direction = 'none';
    const obstacles: ObstacleId[] = [];
    if (inContext) {
      let best = 0;
      for (const candidate of DIRECTION_ORDER) {
        const result = score(directionRules.get(candidate)!, title, summary, input.lang, candidate);
        evidence.push(...result.evidence);
        if (result.raw >= threshold && result.raw > best) {
          best = result.raw;
          direction = candidate;
        }
      }
      if (direction !== 'none') {
        for (const id of OBSTACLE_IDS) {
          const result = score(obstacleRules.get(id)!, title, summary, input.lang, id);
          if (result.raw < obstacleThreshold) continue;
          obstacles.push(id);
          evidence.push(...result.evidence);
        }
      }
    }
    return { direction, obstacles, actors, evidence };
  };

  return { read };
}
