import { Injectable } from '@nestjs/common';
import type { ForwardRoute } from '@journeys/messaging';

/**
 * The routes the Kafka forwarder publishes stored events through. `journeys.events` is always
 * there; other modules add theirs (e.g. action requests to `journeys.actions`) in `onModuleInit`,
 * before the forwarder starts at application bootstrap.
 */
@Injectable()
export class ForwardRoutes {
  private readonly routes: ForwardRoute[] = [];

  add(route: ForwardRoute): void {
    this.routes.push(route);
  }

  all(): readonly ForwardRoute[] {
    return [...this.routes];
  }
}
