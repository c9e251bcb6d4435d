import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';

export function registerFilesCommand(program: Command, context: () => CliContext): void {
  const files = program
    .command('files')
    .description('files kept from Notion (files properties, icons, covers, media in content)');
  files
    .command('get')
    .description('copy a kept file (by SHA-256) or every kept file of a page into a directory')
    .argument('<hash|page>', 'a file SHA-256, or a Notion page id or URL')
    .option('--out <dir>', 'directory to write to (default: the current directory)')
    .action(async (target: string, options: { out?: string }) => {
      const ctx = context();
      const outDir = resolve(ctx.io.cwd, options.out ?? '.');
      const written = await withEngine(ctx, ({ engine }) => engine.files.get(target, outDir));
      if (ctx.json) ctx.printJson({ files: written });
      else if (written.length === 0) ctx.out('no kept files');
      else ctx.out(written.map((f) => `${f.path}  sha256 ${f.hash}`).join('\n'));
    });
  files
    .command('list')
    .description('files the current versions refer to: page, name, SHA-256 or why it is not kept')
    .argument('[page]', 'only the files of this Notion page id or URL')
    .action(async (page: string | undefined) => {
      const ctx = context();
      const refs = await withEngine(ctx, ({ engine }) => engine.files.list(page));
      if (ctx.json) ctx.printJson({ files: refs });
      else if (refs.length === 0) ctx.out('no files');
      else
        ctx.out(
          refs
            .map(
              (r) => `${r.pageId}  ${r.slot}  ${r.name}  ${r.hash ? `sha256 ${r.hash}` : r.state}`,
            )
            .join('\n'),
        );
    });
}
