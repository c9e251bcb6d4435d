import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerEmulatorCommand } from './emulator-command.ts';
import { registerHistoryCommand } from './history-command.ts';
import { registerPullCommand } from './pull-command.ts';
import { registerRunsCommand } from './runs-command.ts';
import { registerStatusCommand } from './status-command.ts';

/** Every command the CLI offers; only commands that work are registered. */
export function registerCommands(program: Command, context: () => CliContext): void {
  registerPullCommand(program, context);
  registerStatusCommand(program, context);
  registerHistoryCommand(program, context);
  registerRunsCommand(program, context);
  registerConfigCommand(program, context);
  registerEmulatorCommand(program, context);
  registerDemoCommand(program, context);
}
