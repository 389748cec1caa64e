/** `safeguard serve`: run the API server (npm start runs it with --demo). */
import type { Command } from 'commander';
import { startServer } from '@safeguard/server';
import { startPlayground } from '@safeguard/demo';
import type { CliContext } from '../context.js';

export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the Safeguard API server')
    .option('--port <port>', 'HTTP port (env PORT, default 8080)')
    .option('--host <host>', 'interface to listen on (env HOST, default 127.0.0.1)')
    .option('--log-level <level>', 'log level (env SAFEGUARD_LOG_LEVEL, default info)')
    .option('--bus-url <url>', 'scale-out: publish messages to NATS JetStream for workers (env SAFEGUARD_BUS_URL)')
    .option('--demo', 'seed the demo tenant and print its admin key', false)
    .option('--demo-app [port]', 'with --demo: also serve the reference platform (apps/demo), on PORT+1 by default')
    .action(async (opts: { port?: string; host?: string; logLevel?: string; busUrl?: string; demo: boolean; demoApp?: string | boolean }) => {
      const config = ctx.config({ port: opts.port, host: opts.host, logLevel: opts.logLevel, busUrl: opts.busUrl });
      const server = await startServer(config, { demo: opts.demo });
      const lines = [
        '',
        'Safeguard is running',
        `  API:      ${server.url}`,
        `  API docs: ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`,
        `  console:  ${server.url}/console   (moderators and regulators sign in with their API key)`,
        `  database: ${config.embedded ? 'embedded SQLite ' : ''}${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}`,
      ];
      if (server.demo) {
        lines.push(
          `  demo tenant admin key: ${server.demo.adminKey}`,
          '  demo accounts: demo-child-12 (guardian demo-parent), demo-teen-15 (connected to demo-friend), demo-stranger',
          `  try: curl -s ${server.url}/v1/decisions -H "Authorization: Bearer ${server.demo.adminKey}" \\`,
          `         -H 'content-type: application/json' -d '{"action":"message.send","actor":"demo-stranger","target":"demo-child-12"}'`,
        );
      }
      if (opts.demoApp !== undefined && server.demo) {
        const port = typeof opts.demoApp === 'string' ? Number(opts.demoApp) : config.port === 0 ? 0 : config.port + 1;
        const playground = await startPlayground({ safeguardUrl: server.url, adminKey: server.demo.adminKey, dataDir: config.dataDir, port, host: config.host });
        lines.push(`  demo app: ${playground.url}   (reference platform: sign in as Lily, 12, to see the protections; docs/demo.md)`);
      }
      lines.push('  stop with Ctrl+C', '');
      ctx.out(lines.join('\n'));
    });
}
