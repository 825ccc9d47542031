import { SetMetadata } from '@nestjs/common';
import type { Role } from '../config/app-config';

export const ROLES_KEY = 'journeys:roles';
export const PUBLIC_KEY = 'journeys:public';

/** Roles allowed besides admin (admin may do everything). Endpoints without it are admin-only. */
export const Allow = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No key needed: health, metrics and the OpenAPI document, which expose no customer data. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const READ_ROLES: Role[] = ['editor', 'viewer'];
