import { describe, expect, it } from '@jest/globals';
import { redactHeaders, redactUrl, serializeError, serializeResponse } from './redaction.js';

describe('log redaction', () => {
  it('replaces the values of credential query parameters, keeping the rest', () => {
    expect(redactUrl('/api/users/@me/?personal_api_key=phx_abc&limit=5')).toBe('/api/users/@me/?personal_api_key=%5BRedacted%5D&limit=5');
    expect(redactUrl('/api/integrations/github/callback?code=c0de&state=s7&installation_id=1')).toBe(
      '/api/integrations/github/callback?code=%5BRedacted%5D&state=%5BRedacted%5D&installation_id=1',
    );
    expect(redactUrl('/api/users/?limit=5')).toBe('/api/users/?limit=5');
    expect(redactUrl('/api/health')).toBe('/api/health');
    expect(redactUrl('/x?TOKEN=t&password=p#frag')).toBe('/x?TOKEN=%5BRedacted%5D&password=%5BRedacted%5D#frag');
  });

  it('redacts a URL nested in a query value (the login redirect of a callback without a session)', () => {
    const callback = '/api/integrations/github/callback?installation_id=7&code=c0de-secret&state=st4te-secret';
    const location = `http://app.test/login?next=${encodeURIComponent(callback)}`;
    const redacted = redactUrl(location);
    expect(redacted).not.toContain('c0de-secret');
    expect(redacted).not.toContain('st4te-secret');
    expect(new URL(redacted).searchParams.get('next')).toBe('/api/integrations/github/callback?installation_id=7&code=%5BRedacted%5D&state=%5BRedacted%5D');
  });

  it('redacts every logged header that holds a URL, and a response\'s location', () => {
    expect(redactHeaders({ referer: 'http://a.test/cb?code=abc&x=1', 'content-length': 3, accept: 'text/html' })).toEqual({
      referer: 'http://a.test/cb?code=%5BRedacted%5D&x=1',
      'content-length': 3,
      accept: 'text/html',
    });
    expect(serializeResponse({ statusCode: 302, headers: { location: '/login?next=%2Fcb%3Fstate%3Dsecret' } })).toEqual({
      statusCode: 302,
      headers: { location: '/login?next=%2Fcb%3Fstate%3D%255BRedacted%255D' },
    });
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
