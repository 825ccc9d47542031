import { Controller, Get, Param } from '@nestjs/common';
import { ReadModelStore } from '@journeys/read-models';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { ApiContract, PARAMS } from '../common/api-contract';
import { NotFound } from '../common/errors';
import { journeyStateProjection } from '../journeys/projections/journey-state.projection';
import { countedVersions, versionTotals } from './analytics-view';
import { analyticsProjection, type VersionAnalytics } from './projections/analytics.projection';
import { customerProgressProjection } from './projections/customer-progress.projection';
import { customerJourneyView } from './runtime.controller';

/** Read-only views across every journey, from the same projections as the per-journey endpoints. */
@Controller()
export class CrossJourneyController {
  constructor(private readonly readModels: ReadModelStore) {}

  @Get('analytics')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'runtime',
    summary: 'Read the totals of every journey',
    description:
      'Per journey and version (Drafts left out): entered, active, completed, exited, removed, blocked, goal progress. ' +
      'The per-step counters are at GET /journeys/{id}/analytics. Projections lag the store by seconds.',
    roles: READ_ROLES,
    ok: { status: 200, schema: 'AnalyticsOverview', description: 'The totals of every journey' },
  })
  analytics() {
    const counted = new Map<string, VersionAnalytics>();
    for (const a of analyticsProjection.all(this.readModels.db)) counted.set(`${a.journeyId}#${a.version}`, a);
    return {
      journeys: journeyStateProjection.find(this.readModels.db).map((journey) => ({
        journeyId: journey.id,
        versions: countedVersions(journey.versions).map((v) =>
          versionTotals(v, counted.get(`${journey.id}#${v.version}`)),
        ),
      })),
    };
  }

  @Get('customers/:customerId')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'runtime',
    summary: "Read a customer's progress in every journey",
    description:
      'Per journey the customer entered or was blocked from: the instances (status, current step, history with ' +
      "each decision's details) and the blocked entries with their reason. 404 CUSTOMER_NOT_FOUND when none.",
    roles: READ_ROLES,
    params: { customerId: PARAMS.customerId },
    ok: { status: 200, schema: 'CustomerJourneys', description: 'The instances per journey' },
    errors: [404],
  })
  customer(@Param('customerId') customerId: string) {
    const found = customerProgressProjection.find(this.readModels.db, { column: 'customer_id', value: customerId });
    if (found.length === 0) throw new NotFound('CUSTOMER_NOT_FOUND', `Customer ${customerId} is in no journey`);
    return {
      customerId,
      journeys: found.map((progress) => ({
        journeyId: progress.journeyId,
        name: journeyStateProjection.get(this.readModels.db, progress.journeyId)?.name ?? null,
        ...customerJourneyView(progress),
      })),
    };
  }
}
