export type { CliContext, CliIO } from './context.ts';
export { buildProgram, EXIT, ExitStatus, runCli } from './main.ts';
