import { describe, expect, it } from '@jest/globals';
import { redactUrl, serializeError } from './redaction.js';

describe('log redaction', () => {
  it('replaces the values of credential query parameters, keeping the rest', () => {
    expect(redactUrl('/api/users/@me/?personal_api_key=phx_abc&limit=5')).toBe('/api/users/@me/?personal_api_key=%5BRedacted%5D&limit=5');
    expect(redactUrl('/api/integrations/github/callback?code=c0de&state=s7&installation_id=1')).toBe(
      '/api/integrations/github/callback?code=%5BRedacted%5D&state=%5BRedacted%5D&installation_id=1',
    );
    expect(redactUrl('/api/users/?limit=5')).toBe('/api/users/?limit=5');
    expect(redactUrl('/api/health')).toBe('/api/health');
  });

  it('keeps an error kind, message, code and stack, never its SQL, parameters or row detail', () => {
    const serialized = serializeError({
      type: 'QueryFailedError',
      message: 'violates check constraint "c"',
      stack: 'QueryFailedError: …',
      query: 'UPDATE users SET password = $1',
      parameters: ['$argon2id$v=19$…'],
      driverError: { code: '23514', constraint: 'c', table: 'users', detail: 'Failing row contains ($argon2id$…)' },
      detail: 'Failing row contains ($argon2id$…)',
    });
    expect(serialized).toEqual({ type: 'QueryFailedError', message: 'violates check constraint "c"', code: '23514', constraint: 'c', table: 'users', stack: 'QueryFailedError: …' });
    expect(JSON.stringify(serialized)).not.toContain('argon2');
  });
});
