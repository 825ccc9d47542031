import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { OutboundMessage } from '@journeys/messaging';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ForwardRoutes } from '../messaging/forward-routes';
import { ActionsOutbox } from './actions-feed';
import type { ActionRequested } from './instance.events';

/**
 * `journeys.actions`: every ActionRequested that is still deliverable when the forwarder reaches it,
 * keyed by customer. A stop withdraws undelivered actions from the same outbox, so an action of a
 * Stopping or Stopped version that no output was handed is never published.
 */
@Injectable()
export class ActionsRoute implements OnModuleInit {
  constructor(
    private readonly routes: ForwardRoutes,
    private readonly outbox: ActionsOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const topic = this.config.kafka.topics.actions;
    this.routes.add(async (events) => {
      const requested = events.filter((e) => e.type === 'ActionRequested') as unknown as {
        data: ActionRequested['data'];
      }[];
      if (!requested.length) return [];
      const payloads = await this.outbox.claim(requested.map((e) => e.data.actionId));
      const messages: OutboundMessage[] = [];
      requested.forEach((e, i) => {
        const value = payloads[i];
        if (value !== undefined) messages.push({ topic, key: e.data.customerId, value });
      });
      return messages;
    });
  }
}
