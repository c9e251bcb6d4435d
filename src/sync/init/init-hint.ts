// The way out named when a source `init` creates cannot be read as a whole (404, or never
// created): `notion-sync init` creates its database again (an explicit rebind) — with
// `--from-table` when its schema comes from its target table.
import type { SourceConfig } from '../../config/index.ts';

/** The command that creates the source's database, or null when init cannot (no schema, no table). */
export function initCommandOf(config: SourceConfig): string | null {
  if (config.schema) return `notion-sync init ${config.name}`;
  if (config.target) return `notion-sync init --from-table ${config.name}`;
  return null;
}

export function withInitHint(config: SourceConfig, message: string): string {
  const command = initCommandOf(config);
  if (!command || message.includes('notion-sync init')) return message;
  return `${message} If the database of "${config.name}" was deleted, \`${command}\` creates it again (a rebind: the old history is kept, detached).`;
}
