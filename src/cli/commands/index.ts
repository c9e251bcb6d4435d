import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerEmulatorCommand } from './emulator-command.ts';

/** Every command the CLI offers; only commands that work are registered. */
export function registerCommands(program: Command, context: () => CliContext): void {
  registerConfigCommand(program, context);
  registerEmulatorCommand(program, context);
}
