import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import { User } from '#libs/users';
import type { SessionClient } from '../../support/fixtures.js';
import type { TestApp } from '../../support/test-app.js';

/** Asserts the status and the exact error body. */
export function expectError(res: Response, status: number, body: { type: string; code: string; detail: string; attr: string | null }): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body });
}

export const validation = (code: string, detail: string, attr: string | null) => ({ type: 'validation_error', code, detail, attr });
export const denied = (detail: string, code = 'permission_denied') => ({ type: 'authentication_error', code, detail, attr: null });

export const NON_STAFF_ME = "As a non-staff user you're only allowed to access the `@me` user instance.";
export const REAUTH = denied('This action requires you to be recently authenticated.', 'sensitive_action_required_reauth');

/** The user's row as stored now (not the copy an earlier call returned). */
export const storedUser = (t: TestApp, id: number) => t.dataSource.getRepository(User).findOneBy({ id });

/** Ages the session past the re-auth window by moving its login time 3 hours back. */
export async function makeSessionStale(t: TestApp, client: SessionClient): Promise<void> {
  const key = `session:${client.sessionId}`;
  const session = JSON.parse((await t.redis.get(key))!);
  session.createdAt = Date.now() - 3 * 3600_000;
  session.reauthAt = null;
  await t.redis.set(key, JSON.stringify(session), 'KEEPTTL');
}

/** The columns a refused write must leave alone, for before/after comparison. */
export async function snapshot(t: TestApp, id: number): Promise<Record<string, unknown>> {
  const row = await t.dataSource.query('SELECT * FROM users WHERE id = $1', [id]);
  return row[0];
}
