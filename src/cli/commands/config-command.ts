import type { Command } from 'commander';
import { stringify } from 'yaml';
import { formatProblems, redactConfig, renderJsonSchema } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';

export function registerConfigCommand(program: Command, context: () => CliContext): void {
  const config = program
    .command('config')
    .description('validate, show or describe the configuration');

  config
    .command('check')
    .description(
      'validate the config file, environment and flags, and every table target against its live table; report every problem at once',
    )
    .action(async () => {
      const ctx = context();
      const result = ctx.loadConfig();
      if (result.errors.length === 0 && result.config?.sources.some((s) => s.target)) {
        const problems = await withEngine(ctx, ({ engine }) => engine.checkTargets());
        result.errors.push(
          ...problems.map((p) => ({ path: p.path, message: p.message, origin: 'file' as const })),
        );
      }
      if (ctx.json) {
        ctx.printJson({
          ok: result.errors.length === 0,
          file: result.file ?? null,
          errors: result.errors,
          warnings: result.warnings,
        });
      } else {
        for (const warning of result.warnings) ctx.err(`warning: ${warning}`);
      }
      if (!ctx.json && result.errors.length === 0) {
        const sources = result.config?.sources.length ?? 0;
        ctx.out(
          result.file
            ? `✓ ${result.file} is valid (${sources} source${sources === 1 ? '' : 's'})`
            : '✓ no config file found; the defaults are valid (create notion-sync.config.yaml to add sources)',
        );
      }
      if (result.errors.length > 0) {
        const count = result.errors.length;
        throw new NotionSyncError(
          'config_invalid',
          `${count} problem${count === 1 ? '' : 's'} in the configuration${result.file ? ` (${result.file})` : ''}:\n${formatProblems(result.errors, result.file)}`,
          { details: { file: result.file, problems: result.errors } },
        );
      }
    });

  config
    .command('schema')
    .description('print the JSON Schema of the config file (for editor autocompletion)')
    .action(() => context().printJson(renderJsonSchema()));

  config
    .command('show')
    .description('print the effective configuration, secrets redacted')
    .action(() => {
      const ctx = context();
      const redacted = redactConfig(ctx.config());
      if (ctx.json) ctx.printJson({ file: ctx.configFile() ?? null, config: redacted });
      else {
        ctx.out(`# effective configuration (${ctx.configFile() ?? 'no config file: defaults'})`);
        ctx.out(stringify(redacted).trimEnd());
      }
    });
}
