/**
 * Runs the EventStoreDB protocol test server alone (in memory; everything is lost when it stops):
 *
 *   npm run eventstoredb:test-server -- --port 2113
 *
 * Prints `EVENTSTORE_CONNECTION_STRING=esdb://127.0.0.1:2113?tls=false` once it listens, then
 * serves until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { EventStoreDbTestServer } from './eventstoredb-test-server';

const USAGE = `Usage: npm run eventstoredb:test-server -- [--port 2113] [--host 127.0.0.1] [--no-batch-append]
  --port             port to listen on; 0 picks a free one (default 2113)
  --host             address to listen on (default 127.0.0.1)
  --no-batch-append  do not offer BatchAppend (the client then appends with Append, as with servers before 21.10)
  --stats-period-ms  how often a $statsCollected system event is written (default 30000; 0: never)`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '2113' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-batch-append': { type: 'boolean', default: false },
      'stats-period-ms': { type: 'string', default: '30000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const statsPeriod = Number(values['stats-period-ms']);
  const problems = [
    ...(Number.isInteger(port) && port >= 0 && port <= 65535 ? [] : [`--port must be 0-65535, got ${values.port}`]),
    ...(Number.isInteger(statsPeriod) && statsPeriod >= 0
      ? []
      : [`--stats-period-ms must be a non-negative integer, got ${values['stats-period-ms']}`]),
  ];
  if (problems.length) throw new Error(`${problems.join('\n')}\n${USAGE}`);

  const server = await EventStoreDbTestServer.start({
    port,
    host: values.host,
    batchAppend: !values['no-batch-append'],
    statsPeriodMs: statsPeriod === 0 ? false : statsPeriod,
  });
  console.log(`EVENTSTORE_CONNECTION_STRING=${server.connectionString}`);
  console.error('EventStoreDB protocol test server (in memory, test use only); Ctrl-C stops it.');
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
