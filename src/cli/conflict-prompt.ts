// The `prompt` policy on a TTY: one question per conflict, `[n]otion [l]ocal [s]kip [N] all Notion
// [L] all local`; an "all" answer holds for the rest of the run. Lines are read through one
// iterator for the whole run, so answers typed ahead are not lost.
import { createInterface, type Interface } from 'node:readline';
import type { ConflictChoice, PendingConflict } from '../sync/index.ts';
import { BODY_CONFLICT_ID, bodyConflictDiffs } from './body-diff.ts';
import type { CliContext } from './context.ts';
import { formatValue } from './format.ts';

export interface ConflictPrompt {
  ask(conflict: PendingConflict): Promise<ConflictChoice>;
  close(): void;
}

const QUESTION = '[n]otion [l]ocal [s]kip [N] all Notion [L] all local: ';

/** A conflict prompt on the terminal, or undefined when stdin is not a TTY (or with --json). */
export function createConflictPrompt(ctx: CliContext): ConflictPrompt | undefined {
  const stdin = ctx.io.stdin;
  if (!stdin?.isTTY || ctx.json) return undefined;
  let all: ConflictChoice | null = null;
  let rl: Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  const nextLine = async (): Promise<string | null> => {
    rl ??= createInterface({ input: stdin, terminal: false });
    lines ??= rl[Symbol.asyncIterator]();
    const next = await lines.next();
    return next.done ? null : String(next.value);
  };
  return {
    async ask(conflict) {
      if (all) return all;
      const where = `Conflict in ${conflict.source} ${conflict.pageId ?? conflict.localKey}, "${conflict.propertyName}":\n`;
      if (conflict.propertyId === BODY_CONFLICT_ID)
        ctx.err(where + bodyConflictDiffs(conflict.base, conflict.notion, conflict.local));
      else
        ctx.err(
          where +
            `  base:   ${formatValue(conflict.base)}\n  notion: ${formatValue(conflict.notion)}\n  local:  ${formatValue(conflict.local)}`,
        );
      for (;;) {
        ctx.io.stderr.write(QUESTION);
        const line = await nextLine();
        if (line === null) return 'skip';
        const answer = line.trim();
        if (answer === 'n') return 'notion';
        if (answer === 'l') return 'local';
        if (answer === 's' || answer === '') return 'skip';
        if (answer === 'N' || answer === 'L') {
          all = answer === 'N' ? 'notion' : 'local';
          return all;
        }
      }
    },
    close: () => rl?.close(),
  };
}
