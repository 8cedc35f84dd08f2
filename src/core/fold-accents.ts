/** Letters that NFD does not decompose into a base letter plus accent. */
const EXTRA_FOLDS: Record<string, string> = { ß: 's', æ: 'a', Æ: 'a', ø: 'o', Ø: 'o', œ: 'o', Œ: 'o', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd', ı: 'i' };
const ASCII = /^[\x00-\x7f]*$/;
const LATIN1 = /^[\x00-\xff]*$/;
const LATIN1_SUPPLEMENT = /[\x80-\xff]/g;
const EXTRA = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'gu');

/**
 * Lower case without accents: `Árbol Ñandú Straße` → `arbol nandu strase`. NFD splits "á" into "a"
 * plus a combining accent, and the accent goes; the letters NFD leaves whole are mapped by hand.
 * The one accent folding of the project: dedupe keys, dates, clustering and the classifier's table.
 */
export function foldAccents(text: string): string {
  // ASCII has no accents to fold: lower case is all there is to do.
  if (ASCII.test(text)) return text.toLowerCase();
  // Latin-1 folds one character at a time (it has no combining marks for NFD to reorder), as the table says.
  if (LATIN1.test(text)) return text.replace(LATIN1_SUPPLEMENT, (char) => LATIN1_FOLDS.get(char)!).toLowerCase();
  return foldByNfd(text);
}

function foldByNfd(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(EXTRA, (letter) => EXTRA_FOLDS[letter] as string)
    .toLowerCase();
}

/** U+0080–U+00FF folded by the general path, once per process. */
const LATIN1_FOLDS = new Map(
  Array.from({ length: 0x80 }, (_unused, offset) => String.fromCharCode(0x80 + offset)).map((char) => [char, foldByNfd(char)] as const),
);
