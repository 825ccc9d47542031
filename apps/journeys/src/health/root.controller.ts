import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';

/** What `GET /` answers: where a newcomer who opened the address in a browser or curl goes next. */
export const SERVICE_INDEX = {
  service: 'journeys',
  docs: '/docs',
  health: '/health',
  ready: '/health/ready',
  metrics: '/metrics',
  console: '/console',
} as const;

@ApiExcludeController()
@Controller()
export class RootController {
  /** No key needed; names the other entry points, nothing more. */
  @Public()
  @Get()
  index(): typeof SERVICE_INDEX {
    return SERVICE_INDEX;
  }
}
