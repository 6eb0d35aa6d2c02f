// The contract between bench/run.ts and each benchmark, and how parameters are resolved:
// `--name value` or `--name=value` on the command line, else env BENCH_NAME, else the default.

export interface ParamSpec {
  /** kebab-case; the flag is `--name`, the environment variable BENCH_NAME (dashes -> _). */
  name: string;
  default: number | string;
  help: string;
}

export interface Params {
  num(name: string): number;
  str(name: string): string;
  /** Where the value came from, for the parameter table. */
  source(name: string): string;
}

export interface BenchContext {
  /** Aborted on Ctrl-C / SIGTERM: stop, clean up, return. */
  signal: AbortSignal;
}

export interface BenchResult {
  /** false makes `npm run bench` exit non-zero (lost or duplicated messages, errors, timeouts). */
  ok: boolean;
  problems: string[];
}

export interface Benchmark {
  name: string;
  summary: string;
  params: ParamSpec[];
  run(params: Params, ctx: BenchContext): Promise<BenchResult>;
}

/** For a benchmark that is just an async function printing its own figures. */
export function fromFunction(
  name: string,
  summary: string,
  fn: (params: Params, ctx: BenchContext) => Promise<void | BenchResult>,
  params: ParamSpec[] = [],
): Benchmark {
  return { name, summary, params, run: async (p, ctx) => (await fn(p, ctx)) ?? { ok: true, problems: [] } };
}

export const envName = (name: string) => `BENCH_${name.toUpperCase().replace(/-/g, '_')}`;

/** Resolves the declared parameters from parsed flags and the environment; throws on a bad value. */
export function resolveParams(
  specs: ParamSpec[],
  flags: Map<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Params {
  const values = new Map<string, { value: number | string; source: string }>();
  for (const s of specs) {
    const flag = flags.get(s.name);
    const fromEnv = env[envName(s.name)];
    const [raw, source] =
      flag !== undefined
        ? [flag, `--${s.name}`]
        : fromEnv !== undefined && fromEnv !== ''
          ? [fromEnv, envName(s.name)]
          : [undefined, 'default'];
    if (raw === undefined) {
      values.set(s.name, { value: s.default, source });
      continue;
    }
    if (typeof s.default === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${source}: "${raw}" is not a non-negative number`);
      values.set(s.name, { value: n, source });
    } else {
      values.set(s.name, { value: raw, source });
    }
  }
  const get = (name: string) => {
    const v = values.get(name);
    if (!v) throw new Error(`parameter ${name} is not declared`);
    return v;
  };
  return {
    num: (name) => Number(get(name).value),
    str: (name) => String(get(name).value),
    source: (name) => get(name).source,
  };
}
