import { provideTestKafkaBroker } from '../../libs/testing/src/kafka-broker';

/** Jest globalSetup: gives the Kafka suites a broker (KAFKA_BROKERS, or one it starts). */
export default async function kafkaGlobalSetup(): Promise<void> {
  await provideTestKafkaBroker();
}
