import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ProjectionRunner } from '@journeys/read-models';
import { IsArray, IsOptional, IsString } from 'class-validator';
import { ValidationFailed } from '../common/errors';
import { PROJECTIONS } from '../infrastructure/projections';

export class RebuildProjectionsRequest {
  /** Projection names; all projections when omitted. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  names?: string[];
}

/** Operator endpoints; admin role only (no @Allow). */
@Controller('admin')
export class AdminController {
  constructor(private readonly projections: ProjectionRunner) {}

  /** Drops the read models and replays the event store into them; answers when caught up. */
  @Post('projections/rebuild')
  @HttpCode(200)
  async rebuild(@Body() body: RebuildProjectionsRequest) {
    const known = PROJECTIONS.map((p) => p.name);
    const problems = (body?.names ?? []).flatMap((name, i) =>
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
    const result = await this.projections.rebuild(body?.names);
    return { ...result, ms: Math.round(result.ms) };
  }
}
