// ESLint flat config: typescript-eslint's recommended rules, not type-aware (fast; tsc does the types).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Server feature modules: each shows the rest of the server one index.ts. Another module (or the
// platform, the CLI, the composition root) may import only that index; tests may reach inside.
const FEATURES = ['identity', 'conversations', 'routing', 'calls', 'recording', 'audit'];
const intoModule = (names) => ({
  regex: `^(?:\\.\\.?/)+(?:${names.join('|')})/(?!index\\.js$)`,
  message: 'Import another server module through its index.ts (docs/architecture.md, "Modules").',
});
const adapterImport = {
  regex: '^(?:\\.\\.?/)+adapters/',
  message: 'Feature modules reach adapters only through ports; the composition root (server.ts) wires adapters.',
};
const serverTests = ['apps/server/src/**/*.test.ts', 'apps/server/src/test-support/**'];
const moduleBoundaries = [
  ...FEATURES.map((feature) => ({
    files: [`apps/server/src/${feature}/**/*.ts`],
    ignores: serverTests,
    rules: {
      'no-restricted-imports': ['error', { patterns: [intoModule(FEATURES.filter((f) => f !== feature)), adapterImport] }],
    },
  })),
  {
    files: ['apps/server/src/**/*.ts'],
    ignores: [...serverTests, ...FEATURES.map((f) => `apps/server/src/${f}/**`)],
    rules: { 'no-restricted-imports': ['error', { patterns: [intoModule(FEATURES)] }] },
  },
  {
    // The pure cores: decisions over snapshots, no I/O (time and randomness come in as arguments).
    files: ['packages/routing/src/**/*.ts', 'packages/domain/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?:node:|fs$|net$|http$|https$|child_process$|pg$|ws$|fastify|@electric-sql/|@visavis/(?:client|server))', message: 'packages/routing and packages/domain are pure: no I/O.' }],
      }],
    },
  },
];

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  fetch: 'readonly',
};

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/.data/',
    '**/coverage/',
    '**/test-results/',
    '**/*.tsbuildinfo',
    // Deliberately bad imports, linted by apps/server/src/module-boundaries.unit.test.ts.
    'apps/server/lint-fixtures/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders, destructuring rests, callbacks).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // No consistent-type-imports: tsconfig's verbatimModuleSyntax already makes tsc reject value
      // imports of pure types, and importing a zod schema that doubles as a type is fine.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Stripping control characters from untrusted input (file names, headers) is deliberate.
      'no-control-regex': 'off',
      // Late-bound values read by closures declared earlier (let x; const f = () => x; x = ...) are fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  ...moduleBoundaries,
  {
    // Plain JavaScript (config files, scripts) runs in Node.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Tests may use non-null assertions on values set up in hooks.
    files: ['**/*.test.ts', '**/*.spec.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
