import type { Route } from '../router.ts';
import { asyncTaskRoutes } from './async-tasks.ts';
import { blockRoutes } from './blocks.ts';
import { commentRoutes } from './comments.ts';
import { dataSourceRoutes } from './data-sources.ts';
import { databaseRoutes } from './databases.ts';
import { fileUploadRoutes } from './file-uploads.ts';
import { markdownRoutes } from './markdown.ts';
import { pageRoutes } from './pages.ts';
import { searchRoutes } from './search.ts';
import { userRoutes } from './users.ts';
import { viewRoutes } from './views.ts';

/** Every Notion API route the emulator answers. */
export const apiRoutes: readonly Route[] = [
  ...pageRoutes,
  ...markdownRoutes,
  ...databaseRoutes,
  ...dataSourceRoutes,
  ...blockRoutes,
  ...searchRoutes,
  ...userRoutes,
  ...commentRoutes,
  ...asyncTaskRoutes,
  ...fileUploadRoutes,
  ...viewRoutes,
];
