// A yes/no question on the terminal before a command changes Notion (`init`, `restore`,
// `janitor`'s duplicate trashing, the offer to run `init` for a missing database). Off a TTY
// (or with --json) there is no question: the caller prints what it would do and how to apply it.
import { createInterface } from 'node:readline';
import type { CliContext } from './context.ts';

/** True when the person answered yes; undefined when nobody can be asked. */
export async function confirm(ctx: CliContext, question: string): Promise<boolean | undefined> {
  const stdin = ctx.io.stdin;
  if (!stdin?.isTTY || ctx.json) return undefined;
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    ctx.io.stderr.write(`${question} [y/N] `);
    const next = await rl[Symbol.asyncIterator]().next();
    const answer = next.done ? '' : String(next.value).trim().toLowerCase();
    return answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}
