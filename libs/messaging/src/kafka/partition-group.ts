import { AssignerProtocol, type Consumer, type Kafka, type PartitionAssigner } from 'kafkajs';
import type { MessagingLogger } from '../outbound-message';
import { ensureTopics } from './kafka-client';
import { stickyAssignment } from './sticky-assignment';

const ASSIGNER = 'JourneysStickyAssigner';

export interface PartitionGroupOptions {
  kafka: Kafka;
  /** The consumer group whose members split the partitions. */
  groupId: string;
  /** A topic with exactly `partitions` partitions; the group is assigned its partitions (it carries no messages). */
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** How long a member may stay silent before the group gives its partitions to others (ms). */
  sessionTimeoutMs?: number;
  /** Called with this member's whole assignment each time the group assigns partitions. */
  onAssigned: (partitions: number[]) => void;
  logger?: MessagingLogger;
}

/**
 * Splits `partitions` numbered partitions among the processes of a Kafka consumer group, which
 * notices a member joining, leaving or stalling past its session timeout. The assignment is sticky
 * and balanced (sticky-assignment.ts): a rebalance moves only what balance needs. It is a coordinator,
 * not a lock: a member that stalls may still believe it owns a partition, so whatever it writes for
 * a partition must be fenced elsewhere (the partition log's expected revisions).
 */
export class PartitionGroup {
  private consumer: Consumer | undefined;
  /** What this member holds, sent to the group leader so the assignment can keep it. */
  private held: number[] = [];

  constructor(private readonly options: PartitionGroupOptions) {}

  async start(): Promise<void> {
    const { kafka, groupId, topic, partitions, replicationFactor } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [{ topic, numPartitions: partitions, replicationFactor }]);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      if (metadata.partitions.length !== partitions) {
        throw new Error(
          `${topic} has ${metadata.partitions.length} partitions but JOURNEYS_PARTITIONS is ${partitions}; ` +
            'the partition count is set once per deployment',
        );
      }
    } finally {
      await admin.disconnect();
    }
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    const consumer = kafka.consumer({
      groupId,
      partitionAssigners: [this.assigner()],
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      // Heartbeats go out between fetches: an empty topic must not hold a fetch near the session timeout.
      maxWaitTimeInMs: Math.min(1_000, Math.floor(sessionTimeout / 5)),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.held = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      this.options.logger?.log(`${groupId}: assigned partitions ${this.held.join(', ') || 'none'}`);
      this.options.onAssigned(this.held);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    // Nothing to consume: running keeps the member in the group (heartbeats) and follows rebalances.
    await consumer.run({ eachBatch: async () => undefined });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private assigner(): PartitionAssigner {
    const { topic, partitions } = this.options;
    return () => ({
      name: ASSIGNER,
      version: 0,
      protocol: ({ topics }) => ({
        name: ASSIGNER,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: Buffer.from(JSON.stringify(this.held)),
        }),
      }),
      assign: async ({ members }) => {
        const owned = members.map(({ memberId, memberMetadata }) => {
          const { userData } = AssignerProtocol.MemberMetadata.decode(memberMetadata) ?? {};
          return { id: memberId, owned: parseHeld(userData) };
        });
        const assignment = stickyAssignment(owned, partitions);
        return [...assignment].map(([memberId, mine]) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 0,
            assignment: { [topic]: mine },
            userData: Buffer.alloc(0),
          }),
        }));
      },
    });
  }
}

function parseHeld(userData: Buffer | undefined): number[] {
  try {
    const held: unknown = JSON.parse(userData?.toString() || '[]');
    return Array.isArray(held) ? held.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    return [];
  }
}
