// The reliability harness (npm run test:faults): bad input, concurrency, security, store and Kafka faults.
// FAULTS_SCALE=reduced (the default, CI) or full sizes the runs; plain `npm test` never picks these up.
const base = require('./jest.config');

module.exports = {
  ...base,
  // One project of its own, not the projects of `npm test`.
  projects: undefined,
  testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
  // Suites that mount file systems or spawn the service run one at a time on a 2-core machine.
  maxWorkers: 1,
  // The Kafka suite runs a broker of its own (it stops and restarts it mid-load): no shared one needed.
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 120_000,
};
