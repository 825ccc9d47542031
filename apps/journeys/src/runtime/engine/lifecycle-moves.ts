import type { CommandBus } from '@nestjs/cqrs';
import type { Clock } from '../../common/clock';
import { commandContext } from '../../common/command-context';
import { AutomaticMoveCommand } from '../../journeys/journey.commands';
import type { LifecycleMove } from '../rules/lifecycle';

/**
 * Makes the automatic life-cycle moves a partition of the engine asks for, as the system, through
 * the journey's decider: a partition's share of work is acknowledged, and the journey moves once
 * every partition has acknowledged (with one partition, at once).
 */
export class LifecycleMoves {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly partition: number,
    private readonly partitions: number,
  ) {}

  async make(move: LifecycleMove): Promise<void> {
    const context = commandContext('system', this.clock.now());
    const { journeyId, version } = move;
    const { partition, partitions } = this;
    const command =
      'done' in move
        ? ({ type: 'AcknowledgePartition', version, partition, partitions, work: move.done } as const)
        : 'endPause' in move
          ? ({ type: 'EndPause', version, at: context.now.toISOString() } as const)
          : 'report' in move
            ? ({ type: 'ReportExperiment', version, partition, partitions, ...move.report } as const)
            : ({ type: 'CompleteVersion', version, reason: move.reason } as const);
    await this.commands.execute(new AutomaticMoveCommand(journeyId, command, context));
  }
}
