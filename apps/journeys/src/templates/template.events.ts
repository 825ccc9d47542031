import type { JourneyDefinition } from '@journeys/definition';

export const TEMPLATE_CATEGORY = 'template';

/** A template is one immutable event: the snapshot of a journey version (stream `template-<id>`). */
export interface TemplateSaved {
  type: 'TemplateSaved';
  data: {
    templateId: string;
    name: string;
    description?: string;
    definition: JourneyDefinition;
    source: { journeyId: string; version: number };
  };
}
