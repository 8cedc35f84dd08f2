/** Letters that NFD does not decompose into a base letter plus accent. */
const EXTRA_FOLDS: Record<string, string> = { ß: 's', æ: 'a', Æ: 'a', ø: 'o', Ø: 'o', œ: 'o', Œ: 'o', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd', ı: 'i' };
const ASCII = /^[\x00-\x7f]*$/;
const EXTRA = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'gu');

/**
 * Lower case without accents: `Árbol Ñandú Straße` → `arbol nandu strase`. NFD splits "á" into "a"
 * plus a combining accent, and the accent goes; the letters NFD leaves whole are mapped by hand.
 * The one accent folding of the project: dedupe keys, dates, clustering and the classifier's table.
 */
export function foldAccents(text: string): string {
  // ASCII has no accents to fold: lower case is all there is to do.
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(EXTRA, (letter) => EXTRA_FOLDS[letter] as string)
    .toLowerCase();
}
