import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { EventStore, SubscriptionBatch } from '@journeys/event-store';
import { ReadModelStore } from '@journeys/read-models';
import { CLOCK, type Clock } from '../common/clock';
import { commandContext } from '../common/command-context';
import { EVENT_STORE } from '../infrastructure/storage.module';
import { AutomaticMoveCommand } from '../journeys/journey.commands';
import type { JourneyEvent } from '../journeys/journey.events';

const CHECKPOINT = 'lifecycle_automation';

/**
 * Moves versions on when nobody is left in them: Stopping -> Stopped and Completing -> Completed.
 * No customer can be inside a version until the runtime admits customers, so today every such
 * version has none and moves on at once; the runtime will hold these moves until its instances end.
 * Checkpointed and idempotent: the decider ignores a move that already happened.
 */
@Injectable()
export class LifecycleAutomation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LifecycleAutomation.name);
  private iterator: AsyncIterator<SubscriptionBatch> | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.iterator?.return?.();
    await this.loop;
  }

  private async follow(): Promise<void> {
    while (!this.stopping) {
      try {
        const after = this.readModels.checkpoint(CHECKPOINT)?.position;
        this.iterator = this.store.subscribeToAll({ after })[Symbol.asyncIterator]();
        for (;;) {
          const next = await this.iterator.next();
          if (next.done || this.stopping) return;
          for (const event of next.value.events)
            await this.react({ type: event.type, data: event.data } as JourneyEvent);
          const last = next.value.events.at(-1);
          if (last) this.readModels.saveCheckpoint(CHECKPOINT, last.position, 1);
        }
      } catch (error) {
        if (this.stopping) return;
        this.logger.error(`Life-cycle automation failed, retrying: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async react(event: JourneyEvent): Promise<void> {
    const context = () => commandContext('system', this.clock.now());
    if (event.type === 'JourneyVersionStopRequested') {
      const { journeyId, version } = event.data;
      await this.commands.execute(
        new AutomaticMoveCommand(journeyId, { type: 'MarkVersionStopped', version }, context()),
      );
    } else if (event.type === 'JourneyVersionCompleting') {
      const { journeyId, version } = event.data;
      await this.commands.execute(
        new AutomaticMoveCommand(journeyId, { type: 'MarkVersionCompleted', version }, context()),
      );
    }
  }
}
