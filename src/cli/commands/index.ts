import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerConflictsCommand } from './conflicts-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerEmulatorCommand } from './emulator-command.ts';
import { registerHistoryCommand } from './history-command.ts';
import { registerInitCommand } from './init-command.ts';
import { registerJanitorCommand } from './janitor-command.ts';
import { registerMcpCommand } from './mcp-command.ts';
import { registerNewCommand } from './new-command.ts';
import { registerOutboxCommand } from './outbox-command.ts';
import { registerPullCommand } from './pull-command.ts';
import { registerPushCommand } from './push-command.ts';
import { registerRebindCommand } from './rebind-command.ts';
import { registerRestoreCommand } from './restore-command.ts';
import { registerRmCommand } from './rm-command.ts';
import { registerRunsCommand } from './runs-command.ts';
import { registerSetCommand } from './set-command.ts';
import { registerStagedCommand } from './staged-command.ts';
import { registerStatusCommand } from './status-command.ts';
import { registerSyncCommand } from './sync-command.ts';

/** Every command the CLI offers; only commands that work are registered. */
export function registerCommands(program: Command, context: () => CliContext): void {
  registerInitCommand(program, context);
  registerPullCommand(program, context);
  registerPushCommand(program, context);
  registerSyncCommand(program, context);
  registerSetCommand(program, context);
  registerNewCommand(program, context);
  registerRmCommand(program, context);
  registerConflictsCommand(program, context);
  registerOutboxCommand(program, context);
  registerStagedCommand(program, context);
  registerStatusCommand(program, context);
  registerJanitorCommand(program, context);
  registerHistoryCommand(program, context);
  registerRestoreCommand(program, context);
  registerRunsCommand(program, context);
  registerRebindCommand(program, context);
  registerConfigCommand(program, context);
  registerMcpCommand(program, context);
  registerEmulatorCommand(program, context);
  registerDemoCommand(program, context);
}
