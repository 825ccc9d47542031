// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'coverage/**',
      '.kafka/**',
      'bench/results/**',
      'libs/client/src/openapi-types.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-throw-literal': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The pure core (ARCHITECTURE example 15): deciders, steps, rules, events, projection folds, the error vocabulary and
    // the definition library decide from their inputs alone. They import nothing of Nest, SQLite,
    // Kafka, EventStoreDB or an adapter; the composition root is the only place that knows every adapter.
    files: [
      'apps/journeys/src/**/*.decider.ts',
      'apps/journeys/src/**/*.events.ts',
      'apps/journeys/src/**/*.evolve.ts',
      'apps/journeys/src/**/*.state.ts',
      'apps/journeys/src/**/*.fold.ts',
      'apps/journeys/src/runtime/steps/**/*.ts',
      'apps/journeys/src/runtime/rules/**/*.ts',
      'apps/journeys/src/common/errors.ts',
      'libs/definition/src/**/*.ts',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'better-sqlite3', 'kafkajs', '@eventstore/*', 'node:fs', 'node:worker_threads'],
              message: 'The pure core does no I/O and knows no framework: pass what it needs in.',
            },
            {
              group: [
                '**/sqlite/**',
                '**/eventstoredb/**',
                '**/kafka/**',
                '**/infrastructure/**',
                '**/engine/**',
                '**/engine-store/**',
                '@journeys/sqlite',
                '@journeys/read-models',
                '@journeys/messaging',
                '@journeys/retry',
              ],
              message: 'The pure core imports no adapter, store or loop: depend on a port instead.',
            },
          ],
        },
      ],
    },
  },
  {
    // The engine (ARCHITECTURE example 8): partition engines, input loop, scheduler and jobs reach
    // their state, log and ownership through ports; the composition root (runtime.module.ts) picks
    // the SQLite, EventStoreDB-stream or Kafka adapter.
    files: ['apps/journeys/src/runtime/engine/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['better-sqlite3', 'kafkajs', '@eventstore/*'],
              message: 'The engine talks to its stores through ports (engine-store.port.ts, partition-log.port.ts).',
            },
            {
              group: [
                '**/engine-store/sqlite/**',
                '**/engine-store/*-partition-log',
                '**/infrastructure/**',
                '**/messaging/**',
                '@journeys/sqlite',
                '@journeys/read-models',
                '@journeys/event-store/*',
              ],
              message: 'The engine imports no adapter: depend on its port, injected by the composition root.',
            },
          ],
        },
      ],
    },
  },
);
