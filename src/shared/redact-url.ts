// URL credentials (`scheme://user:password@host`) never reach a terminal, a log or an error body:
// every place that prints text a user or a library wrote runs it through here.

/** `scheme://user:secret@` anywhere in a text; the password stops at whitespace, a quote or `@`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@"'<>]*):([^\s@"'<>]+)@/gi;

/** `text` with the password of every URL in it replaced by `***` (the user name is kept). */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:***@');
}

/** A deep copy of `value` with URL credentials redacted in every string. */
export function redactUrlCredentialsDeep<T>(value: T): T {
  if (typeof value === 'string') return redactUrlCredentials(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactUrlCredentialsDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactUrlCredentialsDeep(v)]),
    ) as T;
  }
  return value;
}
