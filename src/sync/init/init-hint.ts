// The way out named when a source with a declared `schema:` cannot be read as a whole (404):
// `notion-sync init` creates its database again (an explicit rebind).
import type { SourceConfig } from '../../config/index.ts';

export function withInitHint(config: SourceConfig, message: string): string {
  if (!config.schema || message.includes('notion-sync init')) return message;
  return `${message} If the database of "${config.name}" was deleted, \`notion-sync init ${config.name}\` creates it again from the declared schema (a rebind: the old history is kept, detached).`;
}
