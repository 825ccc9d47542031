import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { AllSubscription } from './all-subscription';
import { streamsService } from './streams-service';
import { TransactionLog } from './transaction-log';
import { ProtocolError, serverNotReady } from './wire';

export interface EventStoreDbTestServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Advertise and serve BatchAppend (EventStoreDB 21.10+); false makes the client use Append. Default true. */
  batchAppend?: boolean;
  /** Largest append in bytes; EventStoreDB's default is 1 MiB. */
  maxAppendSize?: number;
  /** Event ids remembered for best-effort idempotency of `any` appends. */
  idempotencyCacheSize?: number;
  /** Every this many ms a `$statsCollected` event goes to `$stats-<host>:<port>`, as a node does (30 s); false: never. */
  statsPeriodMs?: number | false;
  /** Live events a subscription buffers for a slow reader before it falls behind (the server's 32). */
  liveBufferSize?: number;
  /** Send fell-behind to the client (EventStoreDB 23.10-24.10 do; KurrentDB 25 does not). Default true. */
  sendFellBehind?: boolean;
  /** Reported by ServerFeatures. */
  serverVersion?: string;
}

export interface DropOptions {
  /**
   * The status the calls end with; 'end' ends them cleanly. Default UNAVAILABLE ("Server Is Not
   * Ready", a node restarting), on which the client also replaces its whole channel. UNKNOWN
   * ("Exception was thrown by handler.") is how a subscription the server fails ends.
   */
  code?: status | 'end';
}

const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;
const DEFAULT_LIVE_BUFFER = 32;
const DEFAULT_STATS_PERIOD_MS = 30_000;

/**
 * An in-memory server that speaks the EventStoreDB gRPC protocol of `@eventstore/db-client` 6 (with
 * the service definitions the client ships), for tests: insecure, single node, one process. What it
 * implements and leaves out: README.md beside this file. The real server stays the authority.
 *
 * ```ts
 * const server = await EventStoreDbTestServer.start();
 * const client = EventStoreDBClient.connectionString(server.connectionString);
 * ```
 */
export class EventStoreDbTestServer {
  readonly log: TransactionLog;
  private readonly subscriptions = new Set<AllSubscription>();
  private server: Server | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private latencyMs = 0;

  private constructor(
    private readonly options: EventStoreDbTestServerOptions,
    private boundPort: number,
  ) {
    this.log = new TransactionLog({ idempotencyCacheSize: options.idempotencyCacheSize });
  }

  static async start(options: EventStoreDbTestServerOptions = {}): Promise<EventStoreDbTestServer> {
    const server = new EventStoreDbTestServer(options, options.port ?? 0);
    await server.listen();
    server.writeStats();
    const period = options.statsPeriodMs ?? DEFAULT_STATS_PERIOD_MS;
    if (period !== false) {
      server.statsTimer = setInterval(() => server.writeStats(), period);
      server.statsTimer.unref();
    }
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** `esdb://host:port?tls=false`: what `EVENTSTORE_CONNECTION_STRING` takes. */
  get connectionString(): string {
    return `esdb://${this.host}:${this.boundPort}?tls=false`;
  }

  /** Subscriptions currently open. */
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Every append waits this long first (a slow or overloaded server). */
  setAppendLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Ends every open subscription as a server does when it drops them (restart, leader change). */
  dropSubscriptions(options: DropOptions = {}): number {
    const dropped = [...this.subscriptions];
    const code = options.code ?? status.UNAVAILABLE;
    for (const subscription of dropped) {
      if (code === 'end') subscription.end();
      else if (code === status.UNAVAILABLE) subscription.end(serverNotReady());
      else subscription.end(new ProtocolError(code, 'Exception was thrown by handler.'));
    }
    return dropped.length;
  }

  /** Stops listening and cuts every connection (an outage); the data stays for {@link restart}. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const subscription of this.subscriptions) subscription.cancelled();
    this.subscriptions.clear();
    server.forceShutdown();
  }

  /** Listens again on the same port, with the data it had. */
  async restart(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    clearInterval(this.statsTimer);
    await this.stop();
  }

  private async listen(): Promise<void> {
    const server = new Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
    server.addService(
      StreamsService,
      streamsService(this.log, this.subscriptions, {
        maxAppendSize: this.options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
        appendLatencyMs: () => this.latencyMs,
        liveBufferSize: this.options.liveBufferSize ?? DEFAULT_LIVE_BUFFER,
        sendFellBehind: this.options.sendFellBehind ?? true,
      }),
    );
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (
        _call: ServerUnaryCall<Empty, SupportedMethods>,
        callback: sendUnaryData<SupportedMethods>,
      ) => callback(null, this.supportedMethods()),
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${this.host}:${this.boundPort}`, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.server = server;
  }

  private supportedMethods(): SupportedMethods {
    const methods = new SupportedMethods();
    methods.setEventStoreServerVersion(this.options.serverVersion ?? '24.10.0-test-server');
    const streams = [
      'read',
      'append',
      'delete',
      'tombstone',
      ...(this.options.batchAppend === false ? [] : ['batchappend']),
    ];
    const entries: [string, string][] = [
      ...streams.map((m): [string, string] => ['event_store.client.streams.streams', m]),
      ['event_store.client.server_features.serverfeatures', 'getsupportedmethods'],
    ];
    methods.setMethodsList(
      entries.map(([service, method]) => {
        const entry = new SupportedMethod();
        entry.setServiceName(service);
        entry.setMethodName(method);
        return entry;
      }),
    );
    return methods;
  }

  /** What a node writes every stats period: a system event in a system stream, between the users' events. */
  private writeStats(): void {
    const data = Buffer.from(JSON.stringify({ 'proc-startTime': new Date().toISOString(), 'es-queue-count': 0 }));
    this.log.append(`$stats-${this.host}:${this.boundPort}`, { kind: 'any' }, [
      { id: randomUUID(), type: '$statsCollected', contentType: 'application/json', data, metadata: new Uint8Array() },
    ]);
  }
}
