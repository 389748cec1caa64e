/** `safeguard worker`: consume the message bus (scale-out mode) and run detection. */
import type { Command } from 'commander';
import { startWorker } from '@safeguard/server';
import type { CliContext } from '../context.js';

export function registerWorkerCommand(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('process messages from the bus (SAFEGUARD_BUS_URL): detection, alerts, cases')
    .option('--bus-url <url>', 'NATS JetStream URL (env SAFEGUARD_BUS_URL)')
    .option('--log-level <level>', 'log level (env SAFEGUARD_LOG_LEVEL, default info)')
    .option('--max-batch <n>', 'most messages per processing transaction', '500')
    .action(async (opts: { busUrl?: string; logLevel?: string; maxBatch: string }) => {
      const config = ctx.config({ busUrl: opts.busUrl, logLevel: opts.logLevel });
      await startWorker(config, { maxBatch: Number(opts.maxBatch) });
      ctx.out(`Safeguard worker consuming ${config.busUrl ?? ''} (stop with Ctrl+C: it drains first)`);
    });
}
