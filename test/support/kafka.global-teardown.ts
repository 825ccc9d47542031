import { releaseTestKafkaBroker } from '../../libs/testing/src/kafka-broker';

/** Jest globalTeardown: stops the broker only if kafka.global-setup started it. */
export default async function kafkaGlobalTeardown(): Promise<void> {
  await releaseTestKafkaBroker();
}
