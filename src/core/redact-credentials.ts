/**
 * `https://user:pw@host/feed` → `https://user:***@host/feed`, wherever it stands in a text: a URL,
 * an error sentence, a log line. A feed URL keeps its password for the request; every place that
 * shows one (logs, JSON, tables, Discord answers) passes it through here. The password runs to the
 * last `@` before the path, as URL parsers read it.
 */
const PASSWORD_IN_URL = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#]*@/gi;

export function redactCredentials(text: string): string {
  return text.replace(PASSWORD_IN_URL, '$1:***@');
}
