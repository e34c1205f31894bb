// @ts-check
/**
 * Lint rules, with type information. The import rules draw the layers of docs/architecture.md:
 * workflow code stays deterministic (no Node, no I/O), the SDK's internals are reached through
 * one wrapper, and the HTTP API is a leaf that nothing else builds on.
 */
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The one module allowed to reach into `@temporalio/<package>/lib/…`. */
const SDK_INTERNALS_WRAPPER = 'server/temporal/sdk-internals.ts';

const sdkInternals = {
  group: ['@temporalio/*/lib/*', '@temporalio/*/lib/**'],
  message: `The SDK's internals are reached through ${SDK_INTERNALS_WRAPPER}, so an SDK upgrade changes one file.`,
};

const serverApi = {
  regex: '(^|/)server/api(/|$)|^(\\./|(\\.\\./)+)api(/|$)',
  message:
    'Only server/api and server/roles build on the HTTP API; shared code lives in server/errors, server/temporal, server/auth, …',
};

/**
 * Connectors are a library the server builds on, never the reverse: what they need from the
 * process (the email outbox, the sandbox's tables) comes in through the registry's deps.
 */
const serverLayer = {
  regex: '(^|/)server(/|$)',
  message: 'Connectors must not import the server; inject what they need through the registry deps (RegistryDeps).',
};

/** Workflow code runs in Temporal's deterministic sandbox: no Node modules, no I/O layers. */
const workflowSandbox = [
  { regex: '^node:', message: 'Workflow code runs in the deterministic sandbox: no Node modules.' },
  {
    regex: '^(fs|path|os|crypto|http|https|net|child_process|stream|url|util|zlib|events|timers)(/|$)',
    message: 'Workflow code runs in the deterministic sandbox: no Node modules.',
  },
  { regex: '(^|/)server(/|$)', message: 'Workflow code must not import the server.' },
  {
    regex: '(^|/)connectors/(?!spi$|connector-error$|connector-error-codes$)',
    message: 'Workflow code may import only the pure connector SPI and its error codes.',
  },
  {
    regex: '(^|/)activities(/|$)',
    allowTypeImports: true,
    message: 'Workflow code imports activities as types only (proxyActivities<typeof …>).',
  },
  {
    regex: '^(axios|sequelize|mysql2|ioredis|bullmq|nodemailer|winston|express|@temporalio/(client|worker|activity))$',
    message: 'Workflow code runs in the deterministic sandbox: no I/O libraries.',
  },
];

export default tseslint.config(
  {
    ignores: ['node_modules/', '.tools/', '.data/', 'dist/', 'test/histories/', 'bench/.n8n/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [sdkInternals, serverApi] }],
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: [SDK_INTERNALS_WRAPPER],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [serverApi] }] },
  },
  {
    files: ['server/api/**', 'server/roles/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [sdkInternals] }] },
  },
  {
    // Tests and benches drive the API as its callers do; they build it, so they may import it.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [sdkInternals] }],
      // chai's property assertions (`expect(x).to.be.true`) are expressions.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    // The CLI is the API's client: it may share the API's types, never its code.
    files: ['cli/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [sdkInternals, { ...serverApi, allowTypeImports: true }] },
      ],
    },
  },
  {
    // Connectors are a layer below the server: what they need of it (an outbox, the sandbox's tables)
    // is injected through the registry's deps.
    files: ['connectors/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [sdkInternals, serverApi, serverLayer] }],
    },
  },
  {
    files: ['workflows/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [sdkInternals, serverApi, ...workflowSandbox] },
      ],
    },
  },
);
