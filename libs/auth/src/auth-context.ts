import type { User } from '#libs/users';
import type { PersonalApiKey } from './personal-api-key.entity.js';
import type { Session } from './sessions.service.js';

/** Who is calling, and how they proved it; set on the request by the AuthGuard. */
export type AuthContext =
  | { via: 'session'; user: User; session: Session }
  | { via: 'api_key'; user: User; apiKey: PersonalApiKey };

/** Where an API key was found, in the order they are looked for. */
export type ApiKeySource = 'Authorization header' | 'body' | 'query string';
