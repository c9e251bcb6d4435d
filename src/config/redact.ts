import { redactUrlCredentialsDeep } from '../shared/index.ts';
import { type Config, listOptions } from './declaration.ts';

/** The effective config with every secret replaced by where it comes from, safe to print. */
export function redactConfig(config: Config): Record<string, unknown> {
  // URL passwords (a postgres:// store, a baseUrl with user:pass) are secrets wherever they sit.
  const copy = redactUrlCredentialsDeep(config) as unknown as Record<string, unknown>;
  for (const { path, spec } of listOptions()) {
    if (!spec.secret) continue;
    let node = copy;
    for (const part of path.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const last = path.at(-1) as string;
    node[last] =
      node[last] === undefined ? `(not set: ${spec.env})` : `[redacted: from ${spec.env}]`;
  }
  return copy;
}
