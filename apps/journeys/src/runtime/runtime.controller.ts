import { Controller, Get, Param } from '@nestjs/common';
import { ReadModelStore } from '@journeys/read-models';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { ApiContract, PARAMS } from '../common/api-contract';
import { NotFound } from '../common/errors';
import { journeyNotFound } from '../journeys/journey-command.service';
import { journeyStateProjection } from '../journeys/projections/journey-state.projection';
import { countedVersions, versionAnalytics } from './analytics-view';
import { analyticsProjection } from './projections/analytics.projection';
import { customerProgressProjection, type CustomerProgress } from './projections/customer-progress.projection';

/** A customer's progress in one journey as the API shows it (the internal instance id left out). */
export function customerJourneyView(progress: CustomerProgress) {
  return {
    instances: progress.instances.map(({ instanceId: _, ...instance }) => instance),
    blocked: progress.blocked ?? [],
    ...(progress.delayed?.length && { delayed: progress.delayed }),
  };
}

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
    const versions = countedVersions(journey.versions).map((v) => versionAnalytics(v, counted.get(v.version)));
    return { journeyId: id, versions };
  }

  /** The customer's instances (current step, history with each decision's details) and blocked entries. */
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
    return { customerId, ...customerJourneyView(progress) };
  }
}
