import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';

interface McpFlags {
  allowAgentApprove?: boolean;
}

/**
 * `notion-sync mcp`: the MCP server on stdio for an agent's client (Claude Desktop, Cursor, …).
 * stdout carries only protocol messages; logs go to stderr.
 */
export function registerMcpCommand(program: Command, context: () => CliContext): void {
  program
    .command('mcp')
    .description(
      'serve the local copy to AI agents over MCP (stdio): reads, search, history, staged edits',
    )
    .option(
      '--allow-agent-approve',
      'offer the approve_staged tool, so the agent may approve its own staged edits',
    )
    .action(async (flags: McpFlags) => {
      const ctx = context();
      const { stdin, stdout } = ctx.io;
      if (!stdin || typeof (stdout as { on?: unknown }).on !== 'function') {
        throw new NotionSyncError(
          'usage',
          '`notion-sync mcp` talks MCP over stdin/stdout; start it from an MCP client.',
        );
      }
      // Loaded here, not at the top: the MCP SDK, zod and ajv stay out of every other command's
      // process (a `pull` would otherwise carry them resident).
      const { createEngineRunJob, createMcpServer, serveMcpStdio } = await import(
        '../../mcp/index.ts'
      );
      await withEngine(ctx, async ({ engine, store }) => {
        const server = createMcpServer({
          engine,
          store,
          sources: ctx.config().sources,
          runJob: createEngineRunJob(engine),
          allowAgentApprove: Boolean(flags.allowAgentApprove),
          logger: ctx.logger(),
        });
        await serveMcpStdio(server, stdin, stdout as NodeJS.WritableStream);
      });
    });
}
