// A generated page tree for benchmarks and tests of page sources, built only through the public
// API with an @notionhq/client instance: `pageCount` pages `depth` levels deep, every page with a
// heading, a paragraph, a toggle and two columns, and its child pages spread over the page
// itself, its toggle and its first column. Pages inside a toggle or column are created with a
// `block_id` parent, which the emulator accepts (in Notion such pages come from the app).
import type { Client, CreatePageParameters } from '@notionhq/client';

export interface SeedPageTreeOptions {
  /** The page the tree's root is created under. */
  parentPageId: string;
  /** Pages in the tree, root included (default 500). */
  pageCount?: number;
  /** Levels, root included (default 6). */
  depth?: number;
}

export interface SeededPageTree {
  rootId: string;
  /** Every page id, root first, in creation order. */
  pageIds: string[];
  /** Parent page of each page but the root (a page nested in a toggle or column: that page). */
  parentOf: Map<string, string>;
  /** Where each page but the root sits in its parent: `page`, `toggle` or `column`. */
  placeOf: Map<string, Place>;
}

type Place = 'page' | 'toggle' | 'column';
type PageParent = NonNullable<CreatePageParameters['parent']>;
type Parent = PageParent | { type: 'block_id'; block_id: string };
type Children = NonNullable<CreatePageParameters['children']>;

const PLACES: readonly Place[] = ['page', 'toggle', 'column'];

const text = (content: string) => [{ type: 'text' as const, text: { content } }];

function pageContent(name: string): Children {
  const paragraph = (content: string) => ({ paragraph: { rich_text: text(content) } });
  return [
    { heading_2: { rich_text: text(name) } },
    paragraph(`${name} explains one part of the handbook.`),
    { toggle: { rich_text: text('Details'), children: [paragraph('Hidden until opened.')] } },
    {
      column_list: {
        children: [
          { column: { children: [paragraph('Left column')] } },
          { column: { children: [paragraph('Right column')] } },
        ],
      },
    },
  ] as unknown as Children;
}

interface Slots {
  page: string;
  toggle: string;
  column: string;
}

/** Where child pages of `pageId` can go: the page, its toggle and its first column. */
async function slotsOf(client: Client, pageId: string): Promise<Slots> {
  const blocks = (await client.blocks.children.list({ block_id: pageId })).results as {
    id: string;
    type: string;
  }[];
  const toggle = blocks.find((b) => b.type === 'toggle')?.id ?? pageId;
  const columnList = blocks.find((b) => b.type === 'column_list')?.id;
  const columns = columnList
    ? ((await client.blocks.children.list({ block_id: columnList })).results as { id: string }[])
    : [];
  return { page: pageId, toggle, column: columns[0]?.id ?? pageId };
}

/**
 * Seeds the tree: a chain reaching `depth` levels first, then every further page under an
 * earlier page above the last level, picked by a fixed stride (deterministic, no randomness),
 * and placed in that page, its toggle or its column in turn.
 */
export async function seedPageTree(
  client: Client,
  options: SeedPageTreeOptions,
): Promise<SeededPageTree> {
  const pageCount = options.pageCount ?? 500;
  const depth = options.depth ?? 6;
  const create = async (parent: Parent, name: string) =>
    (
      await client.pages.create({
        parent: parent as PageParent,
        properties: { title: { title: text(name) } },
        children: pageContent(name),
      })
    ).id;
  const rootId = await create({ page_id: options.parentPageId }, 'Generated handbook');
  const nodes = [{ id: rootId, level: 1, slots: await slotsOf(client, rootId) }];
  const tree: SeededPageTree = {
    rootId,
    pageIds: [rootId],
    parentOf: new Map(),
    placeOf: new Map(),
  };
  for (let i = 1; i < pageCount; i += 1) {
    const open = nodes.filter((n) => n.level < depth);
    const parent = i < depth ? nodes[i - 1]! : open[(i * 7919) % open.length]!;
    const place = PLACES[i % PLACES.length]!;
    const slot = parent.slots[place];
    const id = await create(
      slot === parent.id ? { page_id: slot } : { type: 'block_id', block_id: slot },
      `Page ${i}`,
    );
    nodes.push({ id, level: parent.level + 1, slots: await slotsOf(client, id) });
    tree.pageIds.push(id);
    tree.parentOf.set(id, parent.id);
    tree.placeOf.set(id, slot === parent.id ? 'page' : place);
  }
  return tree;
}
