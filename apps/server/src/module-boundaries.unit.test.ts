import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The repository's own ESLint config, applied to fixtures as if they sat at a given path: the
// boundary rule must fail a deep import into another module and pass the same need met
// through that module's index.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string) => readFileSync(path.join(repoRoot, 'apps/server/lint-fixtures', name), 'utf8');

async function restrictedImports(fixtureName: string, asPath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(fixture(fixtureName), { filePath: path.join(repoRoot, asPath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('module boundaries (eslint.config.js)', () => {
  it("fails a calls file that imports routing's store instead of routing's index", async () => {
    const messages = await restrictedImports('reaches-into-routing.ts', 'apps/server/src/calls/reaches-into-routing.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('through its index.ts');
  }, 30_000);

  it('passes the same import through the index', async () => {
    expect(await restrictedImports('through-the-index.ts', 'apps/server/src/calls/through-the-index.ts')).toEqual([]);
  }, 30_000);

  it('lets a module import its own files', async () => {
    expect(await restrictedImports('reaches-into-routing.ts', 'apps/server/src/routing/sub/reaches-into-routing.ts')).toEqual([]);
  }, 30_000);

  it('fails the platform reaching into a module too', async () => {
    const messages = await restrictedImports('reaches-into-routing.ts', 'apps/server/src/platform/reaches-into-routing.ts');
    expect(messages).toHaveLength(1);
  }, 30_000);

  it('fails a feature module importing an adapter', async () => {
    const messages = await restrictedImports('feature-uses-adapter.ts', 'apps/server/src/recording/feature-uses-adapter.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('ports');
  }, 30_000);

  it('fails I/O in the pure routing core', async () => {
    const messages = await restrictedImports('routing-core-does-io.ts', 'packages/routing/src/routing-core-does-io.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('pure');
  }, 30_000);
});
