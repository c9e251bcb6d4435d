// The `prompt` policy on a TTY: one question per conflict, `[n]otion [l]ocal [s]kip [N] all Notion
// [L] all local`; an "all" answer holds for the rest of the run.
import { createInterface } from 'node:readline/promises';
import type { ConflictChoice, PendingConflict } from '../sync/index.ts';
import type { CliContext } from './context.ts';
import { formatValue } from './format.ts';

/** A conflict handler asking on the terminal, or undefined when stdin is not a TTY. */
export function createConflictPrompt(
  ctx: CliContext,
): ((conflict: PendingConflict) => Promise<ConflictChoice>) | undefined {
  const stdin = ctx.io.stdin;
  if (!stdin?.isTTY || ctx.json) return undefined;
  let all: ConflictChoice | null = null;
  return async (conflict) => {
    if (all) return all;
    ctx.err(
      `Conflict in ${conflict.source} ${conflict.pageId ?? conflict.localKey}, "${conflict.propertyName}":\n` +
        `  base:   ${formatValue(conflict.base)}\n  notion: ${formatValue(conflict.notion)}\n  local:  ${formatValue(conflict.local)}`,
    );
    const rl = createInterface({ input: stdin, output: ctx.io.stderr as NodeJS.WritableStream });
    try {
      for (;;) {
        const answer = (
          await rl.question('[n]otion [l]ocal [s]kip [N] all Notion [L] all local: ')
        ).trim();
        if (answer === 'n') return 'notion';
        if (answer === 'l') return 'local';
        if (answer === 's' || answer === '') return 'skip';
        if (answer === 'N' || answer === 'L') {
          all = answer === 'N' ? 'notion' : 'local';
          return all;
        }
      }
    } finally {
      rl.close();
    }
  };
}
