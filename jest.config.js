// Tiers by file name: *.unit.spec.ts (pure), *.int.spec.ts (real SQLite / Kafka), test/*.e2e-spec.ts.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/**
 * Nest 12 and several of its dependencies ship only ES modules, which jest on Node 20 cannot require:
 * every installed package that declares "type": "module" is compiled by the transform too.
 */
function esmPackages() {
  const { readdirSync, readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const root = join(__dirname, 'node_modules');
  const names = readdirSync(root).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(root, name)).map((sub) => `${name}/${sub}`) : [name],
  );
  return names.filter((name) => {
    try {
      return JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8')).type === 'module';
    } catch {
      return false;
    }
  });
}

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Options every project shares (and jest.faults.config.js builds on). */
const project = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages().map(escape).join('|')})/)`],
  moduleNameMapper: {
    '^@journeys/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@journeys/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/**
 * End-to-end suites that run a second time with the service on EventStoreDB (an EventStoreDB
 * protocol test server per data directory, test/support/store-mode.ts): every step type, both entry
 * modes, stopping with a backlog, audit history, Kafka commands, triggers, actions and events, a
 * SIGKILL under load (service-crash, kafka-forwarder) and a restart on an empty data directory.
 * runtime-crash stays SQLite only: its 12,000-member enrolment runs at about 150 members/s through
 * the test server on a shared 2-core machine, against its 60 s bounds.
 */
const EVENTSTOREDB_SUITES = [
  'runtime-trigger',
  'runtime-segments',
  'journey-lifecycle',
  'kafka-commands',
  'kafka-ingestion',
  'kafka-actions',
  'kafka-forwarder',
  'service-crash',
];

module.exports = {
  ...project,
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // Starts a throwaway local Kafka broker when KAFKA_BROKERS is unset and java + mvn exist.
  globalSetup: '<rootDir>/test/support/kafka.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/kafka.global-teardown.ts',
  // jest's summary, then a plain closing line CI's result reader knows (see the reporter).
  reporters: ['default', '<rootDir>/test/support/closing-line.reporter.js'],
  projects: [
    {
      ...project,
      displayName: 'default',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      // What only exists with an event store outside the data directory.
      testPathIgnorePatterns: [...project.testPathIgnorePatterns, '\\.eventstoredb\\.e2e-spec\\.ts$'],
    },
    {
      ...project,
      displayName: 'eventstoredb',
      testMatch: [
        ...EVENTSTOREDB_SUITES.map((name) => `<rootDir>/test/${name}.e2e-spec.ts`),
        '<rootDir>/test/**/*.eventstoredb.e2e-spec.ts',
      ],
      setupFilesAfterEnv: ['<rootDir>/test/support/eventstoredb-mode.setup.ts'],
    },
  ],
};
