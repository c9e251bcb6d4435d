// The demo workspace (`--seed demo`), built only through the public API with an
// @notionhq/client instance, so it works against the emulator and against real Notion alike:
// a wiki page tree with real content, and related Projects and Tasks databases (people,
// statuses, dates, tags, a formula, rollups) with deterministic pseudo-random rows.

import type { Client, CreatePageParameters } from '@notionhq/client';
import { markdownToBlocks } from '../markdown/markdown.ts';
import { DEMO_WIKI, type WikiPage } from './seed-demo-wiki.ts';

/** Ids and sizes of the seeded demo content. */
export interface DemoWorkspace {
  wikiPageId: string;
  projectsDatabaseId: string;
  projectsDataSourceId: string;
  tasksDatabaseId: string;
  tasksDataSourceId: string;
  taskCount: number;
  projectCount: number;
}

/** Options of {@link seedDemoWorkspace}. */
export interface SeedDemoOptions {
  /** The page everything is created under. */
  rootPageId: string;
  /** Number of task rows (default 520). */
  taskCount?: number;
  /** Seed of the pseudo-random content (default 1); equal seeds give equal content. */
  seed?: number;
}

/** Rows created concurrently; small enough to stay polite to a rate-limited server. */
const BATCH_SIZE = 10;

type Children = NonNullable<CreatePageParameters['children']>;
type Properties = NonNullable<CreatePageParameters['properties']>;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const title = (content: string) => [{ type: 'text' as const, text: { content } }];

/**
 * Seeds the demo workspace under `rootPageId`: a Projects and a Tasks database joined by a
 * dual relation (a formula on Tasks, rollups on Projects, 12 projects, `taskCount` tasks) and
 * an 11-page wiki tree four levels deep that links to both. People values use the persons of
 * `client.users.list`. Requests are sequential or in batches of ten.
 */
export async function seedDemoWorkspace(
  client: Client,
  options: SeedDemoOptions,
): Promise<DemoWorkspace> {
  const random = createRandom(options.seed ?? 1);
  const taskCount = options.taskCount ?? 520;
  const users = await client.users.list({});
  const people = users.results.filter((user) => user.type === 'person').map((user) => user.id);
  const projects = await createProjectsDatabase(client, options.rootPageId);
  const tasks = await createTasksDatabase(client, options.rootPageId, projects.dataSourceId);
  await addProjectRollups(client, projects.dataSourceId);
  const projectIds = await createProjects(client, projects.dataSourceId, people, random);
  await createTasks(client, tasks.dataSourceId, { projectIds, people, random, taskCount });
  const wiki = {
    ...DEMO_WIKI,
    markdown: `${DEMO_WIKI.markdown}\n${trackingSection(projects, tasks)}`,
  };
  const wikiPageId = await createWikiPage(client, options.rootPageId, wiki);
  return {
    wikiPageId,
    projectsDatabaseId: projects.databaseId,
    projectsDataSourceId: projects.dataSourceId,
    tasksDatabaseId: tasks.databaseId,
    tasksDataSourceId: tasks.dataSourceId,
    taskCount,
    projectCount: projectIds.length,
  };
}

async function createWikiPage(client: Client, parentId: string, page: WikiPage): Promise<string> {
  const created = await client.pages.create({
    parent: { page_id: parentId },
    icon: { type: 'emoji', emoji: page.icon as '📘' },
    properties: { title: { title: title(page.title) } },
    children: markdownToBlocks(page.markdown) as unknown as Children,
  });
  for (const child of page.children ?? []) await createWikiPage(client, created.id, child);
  return created.id;
}

/** A wiki section pointing at the two databases (as database mentions). */
function trackingSection(projects: CreatedDatabase, tasks: CreatedDatabase): string {
  const mention = (id: string, label: string) =>
    `<mention-database url="https://app.notion.com/p/${id.replaceAll('-', '')}">${label}</mention-database>`;
  return [
    '## Where work is tracked',
    `Projects live in ${mention(projects.databaseId, 'Projects')}; every task in ${mention(tasks.databaseId, 'Tasks')} belongs to one.`,
  ].join('\n');
}

interface CreatedDatabase {
  databaseId: string;
  dataSourceId: string;
}

function firstDataSource(database: object): string {
  const sources = (database as { data_sources?: { id: string }[] }).data_sources ?? [];
  const id = sources[0]?.id;
  if (id === undefined) throw new Error('database created without a data source');
  return id;
}

const AREAS = ['Platform', 'Growth', 'Mobile', 'Data', 'Security', 'Design system'];

async function createProjectsDatabase(
  client: Client,
  rootPageId: string,
): Promise<CreatedDatabase> {
  const database = await client.databases.create({
    parent: { type: 'page_id', page_id: rootPageId },
    title: title('Projects'),
    icon: { type: 'emoji', emoji: '🗂️' },
    initial_data_source: {
      properties: {
        Name: { title: {} },
        Status: { status: {} },
        Owner: { people: {} },
        Timeline: { date: {} },
        Budget: { number: { format: 'dollar' } },
        Area: { select: { options: AREAS.map((name) => ({ name })) } },
      },
    },
  });
  return { databaseId: database.id, dataSourceId: firstDataSource(database) };
}

const TAGS = ['backend', 'frontend', 'infra', 'docs', 'bug', 'research', 'design', 'security'];
const PRIORITIES = ['Urgent', 'High', 'Medium', 'Low'];

async function createTasksDatabase(
  client: Client,
  rootPageId: string,
  projectsDataSourceId: string,
): Promise<CreatedDatabase> {
  const database = await client.databases.create({
    parent: { type: 'page_id', page_id: rootPageId },
    title: title('Tasks'),
    icon: { type: 'emoji', emoji: '✅' },
    initial_data_source: {
      properties: {
        Name: { title: {} },
        Status: { status: {} },
        Assignee: { people: {} },
        Due: { date: {} },
        Tags: { multi_select: { options: TAGS.map((name) => ({ name })) } },
        Priority: { select: { options: PRIORITIES.map((name) => ({ name })) } },
        Estimate: { number: { format: 'number' } },
        Done: { checkbox: {} },
        Link: { url: {} },
        Project: {
          relation: {
            data_source_id: projectsDataSourceId,
            dual_property: { synced_property_name: 'Tasks' },
          },
        },
        'Remaining hours': { formula: { expression: 'if(prop("Done"), 0, prop("Estimate") * 4)' } },
      },
    },
  });
  return { databaseId: database.id, dataSourceId: firstDataSource(database) };
}

async function addProjectRollups(client: Client, projectsDataSourceId: string): Promise<void> {
  await client.dataSources.update({
    data_source_id: projectsDataSourceId,
    properties: {
      'Task count': {
        rollup: {
          relation_property_name: 'Tasks',
          rollup_property_name: 'Name',
          function: 'count',
        },
      },
      'Total estimate': {
        rollup: {
          relation_property_name: 'Tasks',
          rollup_property_name: 'Estimate',
          function: 'sum',
        },
      },
    },
  });
}

const PROJECT_NAMES = [
  'Billing revamp',
  'Search relevance',
  'Mobile offline mode',
  'SSO for enterprise',
  'Data warehouse migration',
  'Design tokens v2',
  'Onboarding checklist',
  'Status page',
  'Audit log',
  'API rate limits',
  'Dark mode',
  'Incident tooling',
];
const STATUSES = ['Not started', 'In progress', 'Done'];

function isoDay(offsetDays: number): string {
  return new Date(Date.UTC(2026, 8, 1) + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function peopleValue(people: readonly string[], random: () => number) {
  return people.length === 0 ? [] : [{ id: pick(random, people) }];
}

async function createProjects(
  client: Client,
  dataSourceId: string,
  people: readonly string[],
  random: () => number,
): Promise<string[]> {
  const ids: string[] = [];
  for (const name of PROJECT_NAMES) {
    const start = Math.floor(random() * 120);
    const properties: Properties = {
      Name: { title: title(name) },
      Status: { status: { name: pick(random, STATUSES) } },
      Owner: { people: peopleValue(people, random) },
      Timeline: {
        date: { start: isoDay(start), end: isoDay(start + 14 + Math.floor(random() * 90)) },
      },
      Budget: { number: 5_000 * (1 + Math.floor(random() * 40)) },
      Area: { select: { name: pick(random, AREAS) } },
    };
    const page = await client.pages.create({
      parent: { data_source_id: dataSourceId },
      properties,
    });
    ids.push(page.id);
  }
  return ids;
}

const VERBS = [
  'Design',
  'Implement',
  'Review',
  'Document',
  'Test',
  'Refactor',
  'Benchmark',
  'Ship',
];
const OBJECTS = [
  'the invoice PDF export',
  'retry logic for webhooks',
  'the settings page',
  'query planner hints',
  'the login flow',
  'CSV import',
  'cache invalidation',
  'the on-call rotation',
  'feature flags',
  'the public changelog',
  'permission checks',
  'the nightly backup job',
];
const ESTIMATES = [1, 2, 3, 5, 8, 13];

interface TaskContext {
  projectIds: readonly string[];
  people: readonly string[];
  random: () => number;
  taskCount: number;
}

function taskProperties(n: number, ctx: TaskContext): Properties {
  const { random } = ctx;
  const done = random() < 0.3;
  const tags = TAGS.filter(() => random() < 0.2);
  const projects = [pick(random, ctx.projectIds)];
  if (random() < 0.1) projects.push(pick(random, ctx.projectIds));
  return {
    Name: { title: title(`${pick(random, VERBS)} ${pick(random, OBJECTS)} (#${n})`) },
    Status: { status: { name: done ? 'Done' : pick(random, STATUSES.slice(0, 2)) } },
    Assignee: { people: peopleValue(ctx.people, random) },
    Due: { date: { start: isoDay(Math.floor(random() * 180)) } },
    Tags: { multi_select: tags.map((name) => ({ name })) },
    Priority: { select: { name: pick(random, PRIORITIES) } },
    Estimate: { number: pick(random, ESTIMATES) },
    Done: { checkbox: done },
    Link: { url: `https://tracker.example.com/T-${1000 + n}` },
    Project: { relation: [...new Set(projects)].map((id) => ({ id })) },
  };
}

async function createTasks(client: Client, dataSourceId: string, ctx: TaskContext): Promise<void> {
  // Properties are drawn in order before each batch is sent, so content never depends on timing.
  for (let first = 1; first <= ctx.taskCount; first += BATCH_SIZE) {
    const batch: Properties[] = [];
    for (let n = first; n < first + BATCH_SIZE && n <= ctx.taskCount; n += 1) {
      batch.push(taskProperties(n, ctx));
    }
    await Promise.all(
      batch.map((properties) =>
        client.pages.create({ parent: { data_source_id: dataSourceId }, properties }),
      ),
    );
  }
}
