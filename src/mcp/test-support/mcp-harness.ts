// An MCP client connected in-process (the SDK's linked in-memory transports) to a server over a
// pulled store; the emulator is taken structurally (its test files create it, their oracle).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { SourceConfig } from '../../config/index.ts';
import { systemClock } from '../../shared/index.ts';
import type { StoreFactory } from '../../store/test-support/store-factories.ts';
import {
  createPullHarness,
  type EmulatorEndpoint,
  type PullHarness,
} from '../../sync/test-support/pull-harness.ts';
import { createEngineRunJob } from '../engine-run-job.ts';
import type { McpServerOptions } from '../mcp-options.ts';
import { createMcpServer } from '../mcp-server.ts';

export interface McpHarness extends PullHarness {
  client: Client;
  /** Calls a tool; the result as the client got it. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function createMcpHarness(
  factory: StoreFactory,
  emulator: EmulatorEndpoint,
  sources: SourceConfig[],
  options: Partial<McpServerOptions> = {},
): Promise<McpHarness> {
  const harness = await createPullHarness(factory, emulator, sources, systemClock);
  const pulled = await harness.engine.pull();
  if (!pulled.ok)
    throw new Error(`pull failed: ${JSON.stringify(pulled.sources.map((s) => s.errors))}`);
  const server = createMcpServer({
    engine: harness.engine,
    store: harness.store,
    sources,
    runJob: createEngineRunJob(harness.engine),
    ...options,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'notion-sync-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    ...harness,
    client,
    call: async (name, args = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await harness.store.close();
    },
  };
}

/** The structured content of a successful result (throws with the text of an error result). */
export function dataOf<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** The error code of an error result. */
export function errorCodeOf(result: CallToolResult): string | null {
  if (!result.isError) return null;
  return (
    (result.structuredContent as { error?: { code?: string } } | undefined)?.error?.code ??
    'unknown'
  );
}

/** The plain title (property `Name`) of a page object as Notion returns it. */
export function pageTitle(page: unknown): string {
  const name = (page as { properties: { Name: { title: { plain_text: string }[] } } }).properties
    .Name;
  return name.title.map((t) => t.plain_text).join('');
}
