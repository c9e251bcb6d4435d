// A source whose declared database is missing (404, or never created) at pull/push: the error
// already names `notion-sync init <source>`; on a TTY the command also asks and runs it.
import type { SourceConfig } from '../config/index.ts';
import type { Engine } from '../sync/index.ts';
import { confirm } from './confirm.ts';
import type { CliContext } from './context.ts';

interface FailedSource {
  source: string;
  status: string;
  errors: { code?: string }[];
}

/** Sources of `results` that failed because their declared database is missing. */
export function sourcesNeedingInit(configs: SourceConfig[], results: FailedSource[]): string[] {
  return results
    .filter((r) => r.status !== 'ok')
    .filter((r) => r.errors.some((e) => e.code === 'access_lost' || e.code === 'source_not_found'))
    .filter((r) => configs.find((c) => c.name === r.source)?.schema)
    .map((r) => r.source);
}

/** Asks (TTY only) whether to create the missing databases now; returns true when init ran. */
export async function offerInit(
  ctx: CliContext,
  engine: Engine,
  names: string[],
): Promise<boolean> {
  if (names.length === 0) return false;
  const answer = await confirm(
    ctx,
    `The database of ${names.join(', ')} is missing. Create it now from the declared schema (notion-sync init ${names.join(' ')})?`,
  );
  if (!answer) return false;
  const result = await engine.init(names);
  ctx.err(
    `init: applied ${result.appliedSteps.length} step(s)${result.rebound.length > 0 ? `; rebound ${result.rebound.join(', ')}` : ''}. Run the command again.`,
  );
  return true;
}
