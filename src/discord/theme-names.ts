import { foldText, foldTyped } from '../classify/fold-text.js';
import { loadThemes } from '../classify/themes-config.js';
import { LANGUAGES } from '../core/types.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import { DIGEST_WORDS, THEME_HEADINGS } from '../digest/digest-labels.js';

/**
 * The one place that knows every name a theme goes by: its id, the English name `/themes` shows
 * (themes.yaml) and the Spanish, Portuguese and English headings the digests use. Every command
 * that takes a theme resolves it here and autocompletes from here, so whatever Sancocho shows a
 * person is accepted back, typed with or without accents.
 */

/** A theme as the commands show it: its id, its name from themes.yaml and what it covers. */
export interface ThemeInfo {
  id: ThemeId;
  name: string;
  description: string;
}

export interface ThemeMatch {
  theme: ThemeInfo;
  /** The name that matched what was typed: the theme's own name, or a digest heading. */
  matched: string;
}

export interface ThemeNames {
  /** The nine themes in THEMES.md order. */
  readonly themes: readonly ThemeInfo[];
  /** The theme one of whose names is exactly what was typed (accents, case and punctuation aside). */
  resolve(value: string): ThemeId | null;
  /** Themes one of whose names contains what was typed, in THEMES.md order; all when nothing was typed. */
  search(typed: string): ThemeMatch[];
}

/** "Comercio y aranceles (cont.)": a digest embed continued over several messages. */
const CONTINUED = new Set(LANGUAGES.map((language) => foldText(DIGEST_WORDS[language].continued)));

function withoutContinued(folded: string): string {
  for (const suffix of CONTINUED) {
    if (folded.endsWith(` ${suffix}`)) return folded.slice(0, -suffix.length - 1);
  }
  return folded;
}

export function createThemeNames(themes: readonly ThemeInfo[]): ThemeNames {
  // Per theme, its names in the order a choice should show them: the English name first.
  const names = themes.map((theme) => {
    const all = [theme.name, ...LANGUAGES.map((language) => THEME_HEADINGS[theme.id][language]), theme.id];
    return { theme, names: all.map((name) => ({ name, folded: foldTyped(name) })) };
  });
  return {
    themes,
    resolve(value) {
      const folded = withoutContinued(foldTyped(value));
      if (folded === '') return null;
      return names.find((entry) => entry.names.some((name) => name.folded === folded))?.theme.id ?? null;
    },
    search(typed) {
      const folded = foldTyped(typed);
      const matches: ThemeMatch[] = [];
      for (const entry of names) {
        const hit = folded === '' ? entry.names[0] : entry.names.find((name) => name.folded.includes(folded));
        if (hit) matches.push({ theme: entry.theme, matched: hit.name === entry.theme.id ? entry.theme.name : hit.name });
      }
      return matches;
    },
  };
}

/** The themes in THEMES.md order with their names from the package's themes.yaml. */
export function loadThemeInfo(): ThemeInfo[] {
  const config = loadThemes();
  return THEME_IDS.map((id) => {
    const theme = config.themes.find((entry) => entry.id === id);
    return { id, name: theme?.name ?? id, description: theme?.description ?? '' };
  });
}

let packageNames: ThemeNames | undefined;

/** The package's themes with all their names, read from themes.yaml on first use. */
export function themeNames(): ThemeNames {
  packageNames ??= createThemeNames(loadThemeInfo());
  return packageNames;
}
