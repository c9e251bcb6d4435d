import type { Client } from '@notionhq/client';
import { createManualClock } from '../shared/index.ts';
import { createEmulator } from './emulator.ts';
import { seedDemoWorkspace } from './seed/seed-demo.ts';

/** Any client with the SDK's `databases.create` (the SDK itself, or a wrapper around it). */
type DatabaseCreator = { databases: { create: Client['databases']['create'] } };

/** Creates a database under `parentId` and returns the id of its data source. */
export async function createDataSource(
  notion: DatabaseCreator,
  parentId: string,
  properties: Parameters<Client['databases']['create']>[0]['initial_data_source'] extends infer T
    ? T extends { properties?: infer P }
      ? P
      : never
    : never,
  title = 'Table',
): Promise<string> {
  const db = await notion.databases.create({
    parent: { type: 'page_id', page_id: parentId },
    title: [{ text: { content: title } }],
    initial_data_source: { properties },
  });
  if (!('data_sources' in db) || !db.data_sources[0]) throw new Error('expected a full database');
  return db.data_sources[0].id;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/**
 * An emulator on a manual clock starting at `startMs`, with the demo workspace seeded (a wiki
 * page tree, Projects, and `taskCount` tasks) — the world of the folder target tests.
 */
export async function createDemoWorld(startMs: number, taskCount = 12) {
  const clock = createManualClock(startMs);
  const emu = await createEmulator({ clock });
  const demo = await seedDemoWorkspace(emu.client({ notionVersion: '2026-03-11' }), {
    rootPageId: emu.rootPageId,
    taskCount,
  });
  return { emu, demo, clock };
}
