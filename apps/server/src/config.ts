import path from 'node:path';
import { z } from 'zod';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  PUBLIC_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INACTIVITY_MINUTES: z.coerce.number().positive().default(30),
  /** A waiting visitor with no connection for this long has left the queue. */
  ABANDON_SECONDS: z.coerce.number().positive().default(120),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  DEMO_PASSWORD: z.string().min(8).default('visavis-demo'),
  COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
  /**
   * Reverse proxies trusted to set X-Forwarded-For: 'false' (default, direct connections),
   * 'true' (any — only when nothing can reach the server except the proxy), or a comma-separated
   * list of addresses/CIDRs such as '127.0.0.1,10.0.0.0/8'.
   */
  TRUST_PROXY: z.string().default('false'),
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /** New visitor sessions per minute per client address. */
  VISITOR_SESSION_RATE_PER_MINUTE: z.coerce.number().int().positive().default(60),
});

export type Config = z.infer<typeof Env> & { dataDir: string; publicUrl: string; trustProxy: boolean | string };

export class ConfigError extends Error {}

/** Reads and validates the environment once, at start; a bad value stops the server with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const host = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
  return {
    ...c,
    trustProxy: c.TRUST_PROXY === 'true' ? true : c.TRUST_PROXY === 'false' ? false : c.TRUST_PROXY,
    dataDir: path.resolve(c.DATA_DIR),
    publicUrl: (c.PUBLIC_URL ?? `http://${host}:${c.PORT}`).replace(/\/$/, ''),
  };
}
