// Where a connection's bearer token comes from when it can change: an OAuth installation's
// access token is refreshed (and its refresh token rotated) while requests are in flight. The
// SDK gets a fetch that sets the current token on every request and, on a 401, asks the source
// for a fresh token once and repeats the request with it — a 401 is answered before anything is
// applied, so repeating a write is safe. The token never enters a log or an error.

type Fetch = typeof fetch;

export interface TokenSource {
  /** The access token to send now. */
  token(): Promise<string>;
  /**
   * A token to replace `rejected`, which Notion just answered 401 to. Callers that race pass the
   * same rejected token; the source refreshes once and gives them all the new one. Throws when
   * the connection cannot be refreshed (the 401 then stands).
   */
  refresh(rejected: string): Promise<string>;
}

/** A fetch that authenticates every request with `source`, refreshing once on a 401. */
export function authenticatingFetch(source: TokenSource, base: Fetch = fetch): Fetch {
  const send = (input: Parameters<Fetch>[0], init: RequestInit | undefined, token: string) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return base(input, { ...init, headers });
  };
  return async (input, init) => {
    const token = await source.token();
    const response = await send(input, init, token);
    if (response.status !== 401) return response;
    let fresh: string;
    try {
      fresh = await source.refresh(token);
    } catch {
      // The refresh failure is recorded by the source (the connection shows "reconnect"); the
      // caller sees Notion's own 401.
      return response;
    }
    await response.body?.cancel();
    return send(input, init, fresh);
  };
}
