import { Controller, Get, Param } from '@nestjs/common';
import { ReadModelStore } from '@journeys/read-models';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { ApiContract, PARAMS } from '../common/api-contract';
import { NotFound } from '../common/errors';
import { journeyNotFound } from '../journeys/journey-command.service';
import { journeyStateProjection } from '../journeys/projections/journey-state.projection';
import { analyticsProjection, emptyAnalytics } from './projections/analytics.projection';
import { customerProgressProjection } from './projections/customer-progress.projection';

@Controller('journeys/:id')
export class RuntimeController {
  constructor(private readonly readModels: ReadModelStore) {}

  /** Per version and step: entered, at the step now, passed, exited; blocked and exits by reason; goal progress. */
  @Get('analytics')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'runtime',
    summary: 'Read analytics',
    description:
      'Per version (Live and later) and step: entered, at the step now, passed, exited; completions, exits and blocked entries by reason; goal progress. Projections lag the store by seconds.',
    roles: READ_ROLES,
    params: { id: PARAMS.journeyId },
    ok: { status: 200, schema: 'JourneyAnalytics', description: 'The counters of every version' },
    errors: [404],
  })
  analytics(@Param('id') id: string) {
    const journey = journeyStateProjection.get(this.readModels.db, id);
    if (!journey) throw journeyNotFound(id);
    const counted = new Map(analyticsProjection.versions(this.readModels.db, id).map((a) => [a.version, a]));
    const versions = journey.versions
      .filter((v) => v.state !== 'Draft' && v.state !== 'Publishing')
      .map((v) => {
        const a = counted.get(v.version) ?? emptyAnalytics(id, v.version);
        const goal = v.definition.goal?.target;
        const target = !goal ? 0 : 'count' in goal ? goal.count : Math.ceil((a.entered * goal.percent) / 100);
        return {
          version: v.version,
          state: v.state,
          entered: a.entered,
          active: a.active,
          completed: a.completed,
          exited: a.exited,
          removed: a.removed,
          exitedBy: a.exitedBy,
          blocked: a.blocked,
          steps: v.definition.steps.map((s) => ({
            stepId: s.id,
            ...(a.steps[s.id] ?? { entered: 0, current: 0, passed: 0, exited: 0 }),
          })),
          goal: { reached: a.goalReached, target },
        };
      });
    return { journeyId: id, versions };
  }

  @Get('customers/:customerId')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'runtime',
    summary: "Read a customer's progress",
    description: "That customer's instances of the journey: version, entry, status, current step and history.",
    roles: READ_ROLES,
    params: { id: PARAMS.journeyId, customerId: PARAMS.customerId },
    ok: { status: 200, schema: 'CustomerProgress', description: 'The instances' },
    errors: [404],
  })
  customer(@Param('id') id: string, @Param('customerId') customerId: string) {
    const progress = customerProgressProjection.get(this.readModels.db, `${id}|${customerId}`);
    if (!progress) throw new NotFound('CUSTOMER_NOT_FOUND', `Customer ${customerId} has no instance of journey ${id}`);
    return {
      customerId,
      instances: progress.instances.map(({ instanceId: _, ...instance }) => instance),
    };
  }
}
