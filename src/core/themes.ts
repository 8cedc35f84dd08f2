/** The nine theme ids from THEMES.md. Stable: config, storage, prompts, tests and evaluation files use them. */
export const THEME_IDS = [
  'regional-integration',
  'trade-tariffs',
  'us-venezuela',
  'venezuela-crisis',
  'security-crime',
  'us-policy',
  'china-latam',
  'ideological-divide',
  'resources-autonomy',
] as const;

export type ThemeId = (typeof THEME_IDS)[number];

const THEME_ID_SET: ReadonlySet<string> = new Set(THEME_IDS);

export function isThemeId(value: string): value is ThemeId {
  return THEME_ID_SET.has(value);
}
