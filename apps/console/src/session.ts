import type { Role } from './api/types';

/** What a role may do in the console; what it may not do is not offered (CONTRACT section 3, roles). */
export interface Abilities {
  /** Read journeys, analytics, audit history, customers, templates and trigger definitions. */
  read: boolean;
  /** Create and change journeys, templates and trigger definitions. */
  write: boolean;
}

export function abilitiesOf(role: Role): Abilities {
  switch (role) {
    case 'admin':
    case 'editor':
      return { read: true, write: true };
    case 'viewer':
      return { read: true, write: false };
    case 'ingest':
      return { read: false, write: false };
    default: {
      const unknownRole: never = role;
      return unknownRole;
    }
  }
}

const KEY = 'journeys.console.apiKey';

/** The API key lives in sessionStorage only: it is gone when the browser tab closes. */
export const storedKey = (): string | null => sessionStorage.getItem(KEY);
export const storeKey = (key: string) => sessionStorage.setItem(KEY, key);
export const forgetKey = () => sessionStorage.removeItem(KEY);
