/**
 * The `safeguard` command. Commands live in ./commands; each registers itself on the program.
 * runCli returns the exit code instead of exiting, so tests can run commands in-process.
 */
import { Command, CommanderError } from 'commander';
import { isSafeguardError } from '@safeguard/core';
import { CliContext, type CliIo, type GlobalOptions } from './context.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerTransparencyCommand } from './commands/transparency.js';
import { registerConformanceCommand } from './commands/conformance.js';
import { registerBundleCommand } from './commands/bundle.js';
import { registerPenaltyCommand } from './commands/penalty.js';
import { registerScoreCommand } from './commands/score.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerHashCommand } from './commands/hash.js';
import { registerMatchCommand } from './commands/match.js';
import { EXIT } from './exit-codes.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('safeguard')
    .description('Safeguard: child-safety infrastructure for online platforms')
    .version('0.1.0')
    .option('--database-url <url>', 'database (env SAFEGUARD_DATABASE_URL; default embedded SQLite)')
    .option('--data-dir <dir>', 'data directory (env SAFEGUARD_DATA_DIR, default ./data)')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError();
  registerServeCommand(program, ctx);
  registerSimulateCommand(program, ctx);
  registerWorkerCommand(program, ctx);
  registerAdminCommands(program, ctx);
  registerTransparencyCommand(program, ctx);
  registerConformanceCommand(program, ctx);
  registerBundleCommand(program, ctx);
  registerPenaltyCommand(program, ctx);
  registerScoreCommand(program);
  registerEvalCommand(program);
  registerHashCommand(program);
  registerMatchCommand(program);
  return program;
}

export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const holder: { program?: Command } = {};
  // Global flags are read when a command runs, after parsing; hence the late-bound accessor.
  const ctx = new CliContext(io, () => holder.program?.opts<GlobalOptions>() ?? {});
  const program = buildProgram(ctx);
  holder.program = program;
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isSafeguardError(error)) {
      ctx.err(`safeguard: ${error.message}`);
      if (error.code === 'unavailable') return EXIT.unavailable;
      if (error.code === 'internal') return EXIT.internal;
      return error.code === 'not_found' || error.code === 'validation_failed' || error.code === 'unknown_account' || error.code === 'unknown_action' || error.code === 'conflict'
        ? EXIT.usage
        : EXIT.findings;
    }
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT') {
      ctx.err(`safeguard: cannot reach ${e.message}`);
      return EXIT.unavailable;
    }
    ctx.err(`safeguard: ${e.message}`);
    return EXIT.internal;
  }
}
