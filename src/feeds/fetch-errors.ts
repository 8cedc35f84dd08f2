/** The fixed set of ways a feed fetch can fail, and how low-level errors map onto them. */

export type FetchErrorKind =
  | 'invalid-url'
  | 'blocked-address'
  | 'dns'
  | 'connect'
  | 'timeout'
  | 'network'
  | 'too-large'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'rate-limited' // 429, or 503 with Retry-After
  | 'gone' // 410
  | 'not-found' // 404
  | 'http'; // any other non-2xx

/** Raised inside the connect step when `checkAddress` refuses the address about to be used. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  // undici reads `code` to decide which queued requests share this connect failure.
  readonly code = 'ERR_BLOCKED_ADDRESS';
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`Refused to connect to ${address}: ${reason}.`);
  }
}

/** Raised when a body is, or declares itself, bigger than the byte cap; thrown mid-stream to stop reading at once. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(
    readonly limit: number,
    readonly what: 'declared' | 'wire' | 'decompressed',
  ) {
    super(
      what === 'declared'
        ? `The response declares a body larger than the ${limit}-byte limit.`
        : what === 'wire'
          ? `The response body is larger than the ${limit}-byte limit.`
          : `The response body decompresses to more than the ${limit}-byte limit.`,
    );
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN', 'ENETDOWN']);
// Certificate and handshake failures: OpenSSL's verify codes, and Node's ERR_TLS_* / ERR_SSL_*.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;
// zlib reports corrupt or truncated input as Z_DATA_ERROR / Z_BUF_ERROR, brotli as ERR__ERROR_FORMAT_*.
const DECODE_CODE = /^(Z_|ERR__ERROR_)/;

/**
 * The kind and sentence for an error thrown while fetching `host`, or null when the error is
 * not a network condition but a bug (a TypeError, an invalid undici argument) and must be rethrown.
 */
export function classifyFetchError(error: unknown, host: string): { kind: FetchErrorKind; message: string } | null {
  if (error instanceof BlockedAddressError) return { kind: 'blocked-address', message: error.message };
  if (error instanceof ResponseTooLargeError) return { kind: 'too-large', message: error.message };
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError) return null;
  const code = errorCode(error);
  if (code === 'UND_ERR_INVALID_ARG') return null;
  const detail = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  if (code !== null && DNS_CODES.has(code)) return { kind: 'dns', message: `Could not resolve ${host} (${code}).` };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'timeout', message: `Connecting to ${host} timed out.` };
  if (code !== null && TIMEOUT_CODES.has(code)) return { kind: 'timeout', message: `${host} took too long to respond (${code}).` };
  if (code !== null && (CONNECT_CODES.has(code) || TLS_CODE.test(code))) {
    return { kind: 'connect', message: `Could not connect to ${host}: ${detail} (${code}).` };
  }
  if (code !== null && DECODE_CODE.test(code)) {
    return { kind: 'network', message: `The response body from ${host} could not be decompressed: ${detail}.` };
  }
  return { kind: 'network', message: `The connection to ${host} failed: ${detail}${code === null ? '' : ` (${code})`}.` };
}

/** Node puts `code` on system errors; a failed multi-address connect wraps them in an AggregateError. */
function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  if ('code' in error && typeof error.code === 'string') return error.code;
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return null;
}
