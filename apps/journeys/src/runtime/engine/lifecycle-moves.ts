import type { CommandBus } from '@nestjs/cqrs';
import type { Clock } from '../../common/clock';
import { commandContext } from '../../common/command-context';
import { AutomaticMoveCommand } from '../../journeys/journey.commands';
import type { LifecycleMove } from '../rules/lifecycle';

/** Makes the automatic life-cycle moves the engine decides, as the system, through the journey's decider. */
export class LifecycleMoves {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  async make(move: LifecycleMove): Promise<void> {
    const context = commandContext('system', this.clock.now());
    const { journeyId, version } = move;
    const command =
      move.to === 'Stopped'
        ? ({ type: 'MarkVersionStopped', version } as const)
        : move.to === 'Completed'
          ? ({ type: 'MarkVersionCompleted', version } as const)
          : ({ type: 'CompleteVersion', version, reason: move.reason } as const);
    await this.commands.execute(new AutomaticMoveCommand(journeyId, command, context));
  }
}
