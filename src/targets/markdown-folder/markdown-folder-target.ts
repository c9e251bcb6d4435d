// A folder of Markdown files as a source's target (DESIGN.md §5 Targets): one file per page,
// YAML frontmatter (`notion_id`, `notion_url`, properties by name) and the page body. Files we
// do not manage (no remembered item: other files, other extensions, `.git`) are never read or
// written. The caller resolves the folder's path.
import type { Source, Store } from '../../store/index.ts';
import type { Target, TargetProblem } from '../target.ts';
import { exportFolder } from './folder-export.ts';
import { createFolderFiles } from './folder-files.ts';
import { scanFolder } from './folder-scan.ts';

export interface MarkdownFolderTargetOptions {
  /** Absolute path of the folder. */
  folder: string;
  store: Store;
  /** `tree`: a page's children in a folder beside its file (page trees); `flat`: one folder. */
  layout: 'tree' | 'flat';
  /** Rename a file when its page's title changes (default: names stay stable). */
  rename: boolean;
  onLocalDelete: 'trash' | 'keep';
  onNotionDelete: 'delete' | 'keep';
}

export function createMarkdownFolderTarget(options: MarkdownFolderTargetOptions): Target {
  const files = createFolderFiles(options.folder);
  const { store } = options;
  return {
    kind: 'markdown-folder',
    check: async (_source: Source): Promise<TargetProblem[]> => [],
    dependencies: async () => [],
    async scan(input) {
      const items = await store.targets.list(input.source.id);
      const versionsOf = (recordId: number) => store.history.listVersions(recordId);
      return scanFolder(
        { files, onLocalDelete: options.onLocalDelete, layout: options.layout, versionsOf },
        input,
        items,
      );
    },
    async export(input) {
      const items = await store.targets.list(input.source.id);
      const layout = { layout: options.layout, rename: options.rename };
      return exportFolder(
        { store, files, layout, onNotionDelete: options.onNotionDelete },
        input,
        items,
      );
    },
    close: async () => {},
  };
}
