import { Body, Controller, Get, Headers, Inject, Put, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { ReadModelStore } from '@journeys/read-models';
import type { Caller } from '../auth/api-keys';
import { CurrentCaller } from '../auth/caller.decorator';
import { Allow, READ_ROLES } from '../auth/roles.decorator';
import { ApiContract } from '../common/api-contract';
import { CLOCK, type Clock } from '../common/clock';
import { commandContext } from '../common/command-context';
import { RequiredBodyPipe } from '../common/schema-body';
import { PageQuery } from '../journeys/journey.requests';
import { parseIfMatch } from '../journeys/journeys.controller';
import { ChangeDeliverySettingsCommand, DeliverySettingsReader, type DeliverySettingsView } from './settings.handlers';
import { settingsAuditProjection } from './settings-audit.projection';

/** The service's delivery settings (docs/delivery-controls.md): read by every role that reads, changed by admins. */
@Controller('settings')
export class SettingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: DeliverySettingsReader,
    private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'settings',
    summary: 'Read the delivery settings',
    description:
      'The consent mode, frequency caps and default quiet hours every journey runs under, their revision (also the ETag) and who changed them last. Before any change: optIn, no caps, no quiet hours, revision -1.',
    roles: READ_ROLES,
    ok: { status: 200, schema: 'DeliverySettingsState', description: 'The settings in force', etag: true },
  })
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<DeliverySettingsView> {
    return this.respond(await this.reader.current(), reply);
  }

  @Put()
  @ApiContract({
    tag: 'settings',
    summary: 'Change the delivery settings',
    description:
      'Replaces the whole of the delivery settings (a field left out takes its default). Every partition of the engine applies them in store order: sends decided after the change follow them. Bad settings are a 400 listing every problem; with If-Match, another current revision is a 412. Accepted changes and refusals are in the audit history; settings equal to the current ones store nothing.',
    body: {
      schema: 'DeliverySettings',
      example: {
        consentMode: 'optIn',
        frequencyCaps: [{ channel: 'email', count: 3, period: 'P7D' }],
        quietHours: { start: '21:00', end: '08:00', mode: 'hold' },
      },
    },
    ok: { status: 200, schema: 'DeliverySettingsState', description: 'The settings now in force', etag: true },
    errors: [412],
    writes: true,
  })
  async put(
    @Body(new RequiredBodyPipe()) body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeliverySettingsView> {
    const revision = parseIfMatch(ifMatch);
    const context = commandContext(caller.name, this.clock.now());
    const view = await this.commands.execute(new ChangeDeliverySettingsCommand(body, context, revision));
    return this.respond(view, reply);
  }

  @Get('audit-history')
  @Allow(...READ_ROLES)
  @ApiContract({
    tag: 'settings',
    summary: 'Read the audit history of the delivery settings',
    description: 'Who changed the settings, when, what changed, and every refused change, oldest first, in pages.',
    roles: READ_ROLES,
    query: {
      after: {
        description: 'The `next` cursor of the previous page',
        schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
      },
      limit: { description: 'Entries per page (default 100)', schema: { type: 'integer', minimum: 1, maximum: 500 } },
    },
    ok: { status: 200, schema: 'SettingsAuditPage', description: 'One page of entries' },
  })
  auditHistory(@Query() query: PageQuery) {
    const after = query.after === undefined ? 0 : Number(query.after);
    return settingsAuditProjection.page(this.readModels.db, after, query.limit ?? 100);
  }

  /** The revision as the ETag, once the settings have one (-1: never changed, nothing to match). */
  private respond(view: DeliverySettingsView, reply: FastifyReply): DeliverySettingsView {
    if (view.revision >= 0) void reply.header('etag', `"${view.revision}"`);
    return view;
  }
}
