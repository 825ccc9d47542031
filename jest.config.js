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

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages().map(escape).join('|')})/)`],
  moduleNameMapper: {
    '^@journeys/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@journeys/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Starts a throwaway local Kafka broker when KAFKA_BROKERS is unset and java + mvn exist.
  globalSetup: '<rootDir>/test/support/kafka.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/kafka.global-teardown.ts',
};
