/**
 * One spelling per article URL, so the same story linked with different tracking tags is
 * recognised: resolved against the feed's URL, scheme and host lower-cased (and IDN hosts in
 * punycode), default port and fragment dropped, tracking parameters removed. The remaining
 * parameters keep their order and their original encoding. Only http(s) URLs have one.
 */

const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hsa_', 'oly_'];
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid',
  'igshid', 'igsh', 'li_fat_id', 'mc_cid', 'mc_eid', '_hsenc', '_hsmi', '__hstc', '__hssc', '__hsfp',
  'hsctatrk', 'mkt_tok', 'ref_src', 'ref_url', 'rb_clickid', 's_cid', 'vero_id', 'vero_conv',
  'wickedid', '_ga', '_gl', 'cmpid', 'ncid', 'sr_share', 'ocid', 'at_medium', 'at_campaign',
]);

const ENCODED = /[%+]/;
const QUERY_OR_FRAGMENT = /[?#]/;

export function canonicalizeUrl(url: string, base?: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim(), base);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return canonicalHref(parsed);
}

/**
 * The canonical spelling of an http(s) URL already parsed (normalizing an item has parsed its link:
 * a second parse of the same href would give the same URL).
 */
export function canonicalHref(url: URL): string {
  const href = url.href;
  // In a serialized URL the first `?` or `#` starts the query or fragment (elsewhere they are percent-encoded).
  const end = href.search(QUERY_OR_FRAGMENT);
  if (end === -1) return href;
  // The kept pairs are already encoded as the URL serializer writes them: setting them as the query would change nothing.
  return href.slice(0, end) + keptQuery(url.search);
}

/** The query without tracking parameters, built from the raw text so kept ones stay byte-identical. */
function keptQuery(search: string): string {
  const kept = search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTracking(pair.split('=', 1)[0]!));
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

function isTracking(rawName: string): boolean {
  let name = rawName.toLowerCase();
  // Decoding changes only a name with `%` or `+` in it.
  if (ENCODED.test(rawName)) {
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase();
    } catch {
      // A malformed escape: the name is compared as written.
    }
  }
  return TRACKING_PARAMS.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}
