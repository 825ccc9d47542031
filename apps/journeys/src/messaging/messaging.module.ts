import { Global, Module } from '@nestjs/common';
import { ForwardRoutes } from './forward-routes';
import { KafkaCommandConsumer } from './kafka-command.consumer';
import { KafkaMessaging } from './kafka-messaging.service';
import { ProcessedCommands } from './processed-commands';

/**
 * Kafka (CONTRACT section 4): the command, trigger and segment consumers and the forwarder of
 * stored events. Always part of the app; it does nothing unless KAFKA_BROKERS is set.
 */
@Global()
@Module({
  providers: [ProcessedCommands, KafkaCommandConsumer, ForwardRoutes, KafkaMessaging],
  exports: [ForwardRoutes, KafkaMessaging],
})
export class MessagingModule {}
