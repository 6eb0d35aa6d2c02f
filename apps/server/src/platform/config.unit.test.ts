import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

// deploy/visavis.env.example documents every variable config.ts reads; these tests keep the two
// in step (a new variable without documentation, or an example that would not start, fails).
const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const example = read('../../../../deploy/visavis.env.example');
const configSource = read('./config.ts');

/** KEY=value lines of the example, commented or not. */
const documented = new Map(
  [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()] as const),
);
/** Keys of the zod object in config.ts (two-space indented `KEY:` entries). */
const readByServer = [...configSource.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);

describe('deploy/visavis.env.example', () => {
  it('documents exactly the variables the server reads', () => {
    expect(readByServer.length).toBeGreaterThan(10);
    expect([...documented.keys()].sort()).toEqual([...readByServer].sort());
  });

  it('holds values the server accepts', () => {
    const env = Object.fromEntries([...documented].filter(([, v]) => v !== ''));
    const config = loadConfig(env);
    expect(config.dataDir).toBe('/var/lib/visavis');
    expect(config.publicUrl).toBe('https://support.example.com');
  });
});

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SEED_DEMO: 'true',
      COOKIE_SECURE: 'auto',
    });
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('names every invalid variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SESSION_SECRET: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    for (const name of ['PORT', 'DATABASE_URL', 'SESSION_SECRET'])
      expect((err as Error).message).toContain(name);
  });
});
