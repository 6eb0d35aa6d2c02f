// Runs the benchmarks of bench/ (`npm run bench`). A new benchmark is one entry in BENCHMARKS:
// a `Benchmark` object, or a plain async function wrapped with fromFunction(name, summary, fn).
//
//   npm run bench                                  every benchmark, default parameters
//   npm run bench -- --only chat --visitors 20     one benchmark, a parameter by flag
//   BENCH_RATE=2 npm run bench -- --only chat      a parameter by environment (BENCH_<NAME>)
//   npm run bench -- --help                        benchmarks and their parameters
import { chatBenchmark } from './chat.js';
import { idleSocketsBenchmark } from './idle-sockets.js';
import { envName, fromFunction, resolveParams, type Benchmark } from './lib/bench.js';
import { loginStormBenchmark } from './login-storm.js';
import { recordingPostprocessBenchmark } from './recording-postprocess.js';
import { routingDecideBenchmark } from './routing-decide.js';
import { runRoutingServerBench } from './routing-server.js';
import { videoCpuBenchmark, videoLatencyBenchmark, videoSetupBenchmark } from './video.js';

export const BENCHMARKS: Benchmark[] = [
  chatBenchmark,
  routingDecideBenchmark,
  fromFunction(
    'routing-server',
    'enqueue -> offer latency and assignments/s through the real server (PostgreSQL if reachable)',
    (p) => runRoutingServerBench({ agents: p.num('agents'), latencySamples: p.num('samples'), burst: p.num('burst') }),
    [
      { name: 'agents', default: 20, help: 'agents online' },
      { name: 'samples', default: 200, help: 'conversations for the idle enqueue -> offer latency' },
      { name: 'burst', default: 500, help: 'visitors arriving at once for the throughput phase' },
    ],
  ),
  loginStormBenchmark,
  videoLatencyBenchmark,
  videoSetupBenchmark,
  videoCpuBenchmark,
  recordingPostprocessBenchmark,
  idleSocketsBenchmark,
  // a plain function: fromFunction('name', 'summary', async (params, { signal }) => { ... }),
];

function usage(): string {
  const lines = ['usage: npm run bench -- [--only NAME[,NAME]] [--PARAM VALUE ...]', '', 'benchmarks:'];
  for (const b of BENCHMARKS) {
    lines.push(`  ${b.name}: ${b.summary}`);
    for (const p of b.params)
      lines.push(`    --${p.name} (${envName(p.name)}, default ${JSON.stringify(p.default)}): ${p.help}`);
  }
  return lines.join('\n');
}

/** `--name value`, `--name=value`; a flag followed by another flag or nothing is an error. */
function parseArgs(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      flags.set('help', 'true');
      continue;
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
    flags.set(arg.slice(2), value);
    i++;
  }
  return flags;
}

async function main(): Promise<number> {
  let flags: Map<string, string>;
  try {
    flags = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (flags.has('help')) {
    console.log(usage());
    return 0;
  }
  const only = flags.get('only') ?? process.env.BENCH_ONLY;
  flags.delete('only');
  const names = only
    ? only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : BENCHMARKS.map((b) => b.name);
  const unknown = names.filter((nm) => !BENCHMARKS.some((b) => b.name === nm));
  if (unknown.length) {
    console.error(`bench: no benchmark named ${unknown.join(', ')}\n\n${usage()}`);
    return 2;
  }
  const selected = BENCHMARKS.filter((b) => names.includes(b.name));
  const known = new Set(selected.flatMap((b) => b.params.map((p) => p.name)));
  const stray = [...flags.keys()].filter((k) => !known.has(k));
  if (stray.length) {
    console.error(
      `bench: unknown parameter ${stray.map((k) => `--${k}`).join(', ')} for ${names.join(', ')}\n\n${usage()}`,
    );
    return 2;
  }

  const abort = new AbortController();
  const onSignal = (sig: string) => {
    if (abort.signal.aborted) process.exit(130); // second Ctrl-C: give up on cleanup
    console.error(`\nbench: ${sig}, stopping and cleaning up (again to exit at once)`);
    abort.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const os = await import('node:os');
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `bench: node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), load average ${load}, ${new Date().toISOString()}`,
  );
  const outcomes: { name: string; ok: boolean; problems: string[]; seconds: number }[] = [];
  for (const b of selected) {
    if (abort.signal.aborted) break;
    const t0 = Date.now();
    console.log(`\n######## ${b.name}: ${b.summary}`);
    try {
      const params = resolveParams(b.params, flags);
      const r = await b.run(params, { signal: abort.signal });
      outcomes.push({ name: b.name, ...r, seconds: (Date.now() - t0) / 1000 });
    } catch (e) {
      console.error(e);
      outcomes.push({
        name: b.name,
        ok: false,
        problems: [(e as Error).message],
        seconds: (Date.now() - t0) / 1000,
      });
    }
  }
  console.log('\n######## summary');
  for (const o of outcomes) {
    console.log(
      `${o.ok ? 'ok    ' : 'FAILED'} ${o.name} (${o.seconds.toFixed(1)} s)${o.ok ? '' : `: ${o.problems.join('; ')}`}`,
    );
  }
  if (abort.signal.aborted) return 130;
  return outcomes.length > 0 && outcomes.every((o) => o.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
