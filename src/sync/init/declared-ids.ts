// Where pull and push find a database `init` created: the store records its id (the user's
// config is never rewritten), so a source with `schema:` and no `database:` — or one whose
// configured database init had to create again — reads the recorded data source.
import type { SourceConfig } from '../../config/index.ts';
import type { Store } from '../store-api.ts';
import { configuredIdOf } from './init-plan.ts';

/** The source as the engine should read it: the recorded data source when init made one. */
export async function withDeclaredId(store: Store, config: SourceConfig): Promise<SourceConfig> {
  // A target-only source gets its schema from its table (`init --from-table`).
  if (!config.schema && !config.target) return config;
  const recorded = await store.declared.get(config.name);
  if (!recorded || recorded.configuredId !== configuredIdOf(config)) return config;
  const { database: _database, ...rest } = config;
  return { ...rest, dataSource: recorded.dataSourceId };
}

export function withDeclaredIds(store: Store, configs: SourceConfig[]): Promise<SourceConfig[]> {
  return Promise.all(configs.map((c) => withDeclaredId(store, c)));
}
