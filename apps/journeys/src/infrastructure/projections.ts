import type { Projection } from '@journeys/read-models';
import { auditHistoryProjection } from '../journeys/projections/audit-history.projection';
import { journeyStateProjection } from '../journeys/projections/journey-state.projection';
import { templatesProjection } from '../templates/templates.projection';
import { analyticsProjection } from '../runtime/projections/analytics.projection';
import { customerProgressProjection } from '../runtime/projections/customer-progress.projection';
import { triggerDefinitionsProjection } from '../trigger-definitions/trigger-definitions.projection';
import { settingsAuditProjection } from '../settings/settings-audit.projection';

/** Every read model the service maintains, fed by one projection runner. */
export const PROJECTIONS: readonly Projection[] = [
  journeyStateProjection,
  auditHistoryProjection,
  triggerDefinitionsProjection,
  templatesProjection,
  analyticsProjection,
  customerProgressProjection,
  settingsAuditProjection,
];
