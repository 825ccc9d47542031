import { Controller, HttpCode, Post } from '@nestjs/common';
import { ProjectionRunner } from '@journeys/read-models';
import { ApiContract } from '../common/api-contract';
import { ValidationFailed } from '../common/errors';
import { SchemaBody } from '../common/schema-body';
import { PROJECTIONS } from '../infrastructure/projections';

/** Schema `rebuild-projections-request.json`: projection names, all projections when absent. */
export interface RebuildProjectionsRequest {
  names?: string[] | null;
}

/** Operator endpoints; admin role only (no @Allow). */
@Controller('admin')
export class AdminController {
  constructor(private readonly projections: ProjectionRunner) {}

  /** Drops the read models and replays the event store into them; answers when caught up. */
  @Post('projections/rebuild')
  @HttpCode(200)
  @ApiContract({
    tag: 'admin',
    summary: 'Rebuild read models',
    description:
      'Drops the named read models (all when `names` is absent) and replays the event store into them; answers when caught up. The service keeps running.',
    body: { schema: 'RebuildProjectionsRequest', example: {} },
    ok: { status: 200, schema: 'RebuildResult', description: 'What was rebuilt' },
    writes: true,
  })
  async rebuild(@SchemaBody('rebuild-projections-request.json') body: RebuildProjectionsRequest) {
    const known = PROJECTIONS.map((p) => p.name);
    const problems = (body.names ?? []).flatMap((name, i) =>
      known.includes(name)
        ? []
        : [
            {
              code: 'UnknownProjection',
              path: `$.names[${i}]`,
              message: `no projection named "${name}"; known: ${known.join(', ')}`,
            },
          ],
    );
    if (problems.length) throw new ValidationFailed(problems);
    const result = await this.projections.rebuild(body.names ?? undefined);
    return { ...result, ms: Math.round(result.ms) };
  }
}
