// First: sizes libuv's thread pool before anything uses it (see the module).
import './platform/thread-pool.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { DEMO_ACCOUNTS } from './seed.js';
import { consoleLog, installProcessSafety } from './platform/process-safety.js';
import { startServer, type RunningServer } from './server.js';

let running: RunningServer | null = null;
// Before anything starts: a stray rejection is logged (server keeps running); an uncaught
// exception stops the embedded Janus and exits non-zero so systemd restarts the service.
installProcessSafety({
  log: () => running?.app.log ?? consoleLog,
  stopMedia: async () => running?.media.stop(),
});

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const server = await startServer(config);
  running = server;
  const url = server.url;
  const lines = [
    '',
    '  Visavis is running.',
    `  Agent workspace:   ${url}/app/`,
    `  Demo page (widget): ${url}/demo`,
    `  Mobile H5 chat:    ${url}/w/?siteKey=demo-bank`,
    `  Database:          ${server.db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}`,
  ];
  if (server.demoSeeded || (config.SEED_DEMO === 'true' && !config.production)) {
    lines.push(`  Demo accounts (password "${config.DEMO_PASSWORD}"):`);
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.role.padEnd(10)} ${a.email}`);
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e) => {
  // A refusal to start (production with demo passwords) is a message for the operator, not a stack.
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
