// Tiers by file name: *.unit.spec.ts (pure), *.int.spec.ts (real SQLite / Kafka), test/*.e2e-spec.ts.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  // Nest 12 and a few of its dependencies ship only ES modules; jest on Node 20 needs them compiled.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@fastify|fastify|cookie|uuid)/)'],
  moduleNameMapper: {
    '^@journeys/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@journeys/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
