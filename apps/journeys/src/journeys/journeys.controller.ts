import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReadModelStore } from '@journeys/read-models';
import type { Caller } from '../auth/api-keys';
import { CurrentCaller } from '../auth/caller.decorator';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { CLOCK, type Clock } from '../common/clock';
import { commandContext } from '../common/command-context';
import { NotFound, ValidationFailed } from '../common/errors';
import { journeyNotFound } from './journey-command.service';
import { parsedDefinition } from './journey-command.handlers';
import {
  CopyJourneyCommand,
  CreateJourneyCommand,
  JourneyActionCommand,
  SaveAsTemplateCommand,
  StopVersionCommand,
  UpdateDraftCommand,
  type JourneyResult,
} from './journey.commands';
import { CopyJourneyRequest, ListJourneysQuery, PageQuery, SaveAsTemplateRequest } from './journey.requests';
import { auditHistoryProjection } from './projections/audit-history.projection';
import { journeyDetail, journeyStateProjection, type JourneyView } from './projections/journey-state.projection';

/** `If-Match: "7"` (or `W/"7"`, or `7`) -> 7. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!match) {
    throw new ValidationFailed([
      { code: 'InvalidIfMatch', path: 'If-Match', message: 'If-Match must be a revision such as "7"' },
    ]);
  }
  return Number(match[1]);
}

@ApiTags('journeys')
@ApiBearerAuth()
@Controller('journeys')
export class JourneysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Allow('editor')
  @ApiBody({ description: 'A journey definition (CONTRACT section 1)', schema: { type: 'object' } })
  async create(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commands.execute(new CreateJourneyCommand(parsedDefinition(body), this.context(caller)));
    return this.respond(result, reply);
  }

  @Get()
  @Allow(...READ_ROLES)
  list(@Query() query: ListJourneysQuery) {
    const where = query.state ? { column: 'state', value: query.state } : undefined;
    return { journeys: journeyStateProjection.find(this.readModels.db, where).map(summaryOf) };
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = this.view(id);
    void reply.header('etag', `"${view.revision}"`);
    return journeyDetail(view);
  }

  @Get(':id/versions/:version')
  @Allow(...READ_ROLES)
  version(@Param('id') id: string, @Param('version', ParseIntPipe) version: number) {
    const found = this.view(id).versions.find((v) => v.version === version);
    if (!found) throw new NotFound('VERSION_NOT_FOUND', `Journey ${id} has no version ${version}`);
    return found;
  }

  @Put(':id/draft')
  @Allow('editor')
  @ApiBody({ description: 'The new draft definition (CONTRACT section 1)', schema: { type: 'object' } })
  async updateDraft(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = this.context(caller);
    const revision = parseIfMatch(ifMatch);
    const result = await this.commands.execute(new UpdateDraftCommand(id, body, context, revision));
    return this.respond(result, reply);
  }

  @Post(':id/publish')
  @HttpCode(202)
  @Allow('editor')
  publish(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.action('PublishJourney', id, caller, reply);
  }

  @Post(':id/edit')
  @HttpCode(200)
  @Allow('editor')
  edit(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.action('EditJourney', id, caller, reply);
  }

  @Post(':id/discard')
  @HttpCode(200)
  @Allow('editor')
  discard(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.action('DiscardDraft', id, caller, reply);
  }

  @Post(':id/versions/:version/stop')
  @HttpCode(202)
  @Allow('editor')
  async stop(
    @Param('id') id: string,
    @Param('version', ParseIntPipe) version: number,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commands.execute(new StopVersionCommand(id, version, this.context(caller)));
    return this.respond(result, reply);
  }

  @Post(':id/copy')
  @Allow('editor')
  async copy(
    @Param('id') id: string,
    @Body() body: CopyJourneyRequest,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commands.execute(
      new CopyJourneyCommand(id, body.name, this.context(caller), body.version),
    );
    return this.respond(result, reply);
  }

  @Post(':id/save-as-template')
  @Allow('editor')
  saveAsTemplate(@Param('id') id: string, @Body() body: SaveAsTemplateRequest, @CurrentCaller() caller: Caller) {
    return this.commands.execute(
      new SaveAsTemplateCommand(
        id,
        { name: body.name, description: body.description, version: body.version },
        this.context(caller),
      ),
    );
  }

  @Get(':id/audit-history')
  @Allow(...READ_ROLES)
  auditHistory(@Param('id') id: string, @Query() query: PageQuery) {
    this.view(id);
    const after = query.after === undefined ? 0 : Number(query.after);
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new ValidationFailed([
        { code: 'InvalidCursor', path: 'after', message: 'after must be a cursor from a previous page' },
      ]);
    }
    return auditHistoryProjection.page(this.readModels.db, id, after, query.limit ?? 100);
  }

  private async action(action: JourneyActionCommand['action'], id: string, caller: Caller, reply: FastifyReply) {
    const result = await this.commands.execute(new JourneyActionCommand(action, id, this.context(caller)));
    return this.respond(result, reply);
  }

  private context(caller: Caller) {
    return commandContext(caller.name, this.clock.now());
  }

  private view(id: string): JourneyView {
    const view = journeyStateProjection.get(this.readModels.db, id);
    if (!view) throw journeyNotFound(id);
    return view;
  }

  /** Answers with the journey as `GET /journeys/{id}` shows it, and its revision as the ETag. */
  private respond(result: JourneyResult, reply: FastifyReply) {
    void reply.header('etag', `"${result.revision}"`);
    const view = journeyStateProjection.get(this.readModels.db, result.id);
    return view ? journeyDetail(view) : result;
  }
}

function summaryOf(view: JourneyView) {
  return {
    id: view.id,
    name: view.name,
    state: view.state,
    revision: view.revision,
    updatedAt: view.updatedAt,
    versions: view.versions.map(({ version, state }) => ({ version, state })),
  };
}
