import { readdirSync, readFileSync } from 'node:fs';
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

// The media server is Janus today; its names (the server, its VideoRoom plugin, .mjr recordings,
// janus-pp-rec) stay in adapters/janus/ so another SFU means another adapter, nothing else. Tests
// and test support may name it. Outside the modules: the composition root (server.ts wires the
// adapter, main.ts stops it) and platform/ (JANUS_* settings, the process-safety note) may too.
const JANUS_NAME = /janus|\.mjr\b|pp-rec|videoroom/i;
const serverSrc = path.join(repoRoot, 'apps/server/src');
const MAY_NAME_JANUS = ['adapters/janus/', 'test-support/', 'platform/', 'server.ts', 'main.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('no Janus name outside adapters/janus', () => {
  it('finds none in the modules, ports and other adapters', () => {
    const leaks = sourceFiles(serverSrc)
      .map((file) => path.relative(serverSrc, file).split(path.sep).join('/'))
      .filter((rel) => !MAY_NAME_JANUS.some((allowed) => rel === allowed || rel.startsWith(allowed)))
      .flatMap((rel) =>
        readFileSync(path.join(serverSrc, rel), 'utf8')
          .split('\n')
          .flatMap((line, i) => (JANUS_NAME.test(line) ? [`${rel}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(leaks).toEqual([]);
  });

  it('would see one', () => {
    for (const line of ["import { x } from '../adapters/janus/mjr.js';", 'runs janus-pp-rec', "name.endsWith('.mjr')", "plugin: 'janus.plugin.videoroom'"]) {
      expect(JANUS_NAME.test(line)).toBe(true);
    }
    expect(JANUS_NAME.test('media server recording: artefacts() of a call')).toBe(false);
  });
});
