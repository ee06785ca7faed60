import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { User } from '#libs/users';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { autonomyUrl, bearer, ISO_TIMESTAMP, NOT_FOUND, storedConfigs } from './autonomy-helpers.js';

/** The 400 for a value outside P0..P4; `input` as the message shows it. */
const choice = (attr: string, input: string) => ({ type: 'validation_error', code: 'invalid_choice', detail: `${input} is not a valid choice.`, attr });
const notChoice = (attr: string) => ({ type: 'validation_error', code: 'invalid_choice', detail: 'Not a valid choice.', attr });

describe('signal autonomy: reading, partial writes and deleting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function caller(overrides: Parameters<typeof createUser>[1] = {}): Promise<{ user: User; auth: Record<string, string> }> {
    const user = await createUser(t.app, overrides);
    return { user, auth: bearer(await createApiKey(t.app, user, ['user:write'])) };
  }

  it('GET is 404 with the standard error body while nothing is saved, and creates nothing', async () => {
    const { user, auth } = await caller();
    const res = await t.http().get(autonomyUrl('@me')).set(auth).expect(404);
    expect(res.body).toEqual(NOT_FOUND);
    expect(await storedConfigs(t, user.id)).toEqual([]);
  });

  it('POST creates the config and answers 200 (not 201) with the full body; GET returns the same', async () => {
    const { user, auth } = await caller({ firstName: 'Ada', lastName: 'Lovelace' });
    const res = await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: 'P2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      user: { id: user.id, uuid: user.uuid, first_name: 'Ada', last_name: 'Lovelace', email: user.email },
      autostart_priority: 'P2',
      slack_notification_channel: null,
      slack_notification_min_priority: null,
      created_at: expect.stringMatching(ISO_TIMESTAMP),
      updated_at: expect.stringMatching(ISO_TIMESTAMP),
    });
    const [row] = await storedConfigs(t, user.id);
    expect(row!.id).toBe(res.body.id);
    expect(row!.created_at.toISOString()).toBe(res.body.created_at);
    expect((await t.http().get(autonomyUrl('@me')).set(auth).expect(200)).body).toEqual(res.body);
    // The trailing slash is optional.
    expect((await t.http().get(`/api/users/@me/signal_autonomy`).set(auth).expect(200)).body).toEqual(res.body);
  });

  it('POST writes only the keys present: other fields, id and created_at keep their values', async () => {
    const { user, auth } = await caller();
    const post = (body: object) => t.http().post(autonomyUrl('@me')).set(auth).send(body).expect(200);
    const first = (await post({ autostart_priority: 'P2' })).body;
    const second = (await post({ slack_notification_channel: 'C0123|#alerts' })).body;
    expect(second).toMatchObject({ id: first.id, created_at: first.created_at, autostart_priority: 'P2', slack_notification_channel: 'C0123|#alerts', slack_notification_min_priority: null });
    const third = (await post({ slack_notification_min_priority: 'P1' })).body;
    expect(third).toMatchObject({ autostart_priority: 'P2', slack_notification_channel: 'C0123|#alerts', slack_notification_min_priority: 'P1' });
    const fourth = (await post({ autostart_priority: 'P0', slack_notification_min_priority: 'P3' })).body;
    expect(fourth).toMatchObject({ autostart_priority: 'P0', slack_notification_channel: 'C0123|#alerts', slack_notification_min_priority: 'P3' });
    expect(Date.parse(fourth.updated_at)).toBeGreaterThanOrEqual(Date.parse(first.updated_at));
    const rows = await storedConfigs(t, user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, autostart_priority: 'P0', slack_notification_channel: 'C0123|#alerts', slack_notification_min_priority: 'P3' });
  });

  it('an empty body changes no field but bumps updated_at', async () => {
    const { user, auth } = await caller();
    const first = (await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: 'P4', slack_notification_channel: '#x' }).expect(200)).body;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = (await t.http().post(autonomyUrl('@me')).set(auth).send({}).expect(200)).body;
    expect(again).toMatchObject({ id: first.id, autostart_priority: 'P4', slack_notification_channel: '#x', created_at: first.created_at });
    expect(Date.parse(again.updated_at)).toBeGreaterThan(Date.parse(first.updated_at));
    // A request with no body at all is an empty update too, and creates a config for a new user.
    const { user: fresh, auth: freshAuth } = await caller();
    const created = (await t.http().post(autonomyUrl('@me')).set(freshAuth).expect(200)).body;
    expect(created).toMatchObject({ autostart_priority: null, slack_notification_channel: null, slack_notification_min_priority: null });
    expect(await storedConfigs(t, fresh.id)).toHaveLength(1);
    expect(await storedConfigs(t, user.id)).toHaveLength(1);
  });

  it('null clears a field, and "" for the channel is stored as null', async () => {
    const { user, auth } = await caller();
    await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: 'P1', slack_notification_channel: '#a', slack_notification_min_priority: 'P2' }).expect(200);
    const emptied = await t.http().post(autonomyUrl('@me')).set(auth).send({ slack_notification_channel: '' }).expect(200);
    expect(emptied.body).toMatchObject({ autostart_priority: 'P1', slack_notification_channel: null, slack_notification_min_priority: 'P2' });
    expect((await storedConfigs(t, user.id))[0]!.slack_notification_channel).toBeNull();

    const cleared = await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: null, slack_notification_min_priority: null }).expect(200);
    expect(cleared.body).toMatchObject({ autostart_priority: null, slack_notification_channel: null, slack_notification_min_priority: null });
    await t.http().post(autonomyUrl('@me')).set(auth).send({ slack_notification_channel: '#b' }).expect(200);
    const nulled = await t.http().post(autonomyUrl('@me')).set(auth).send({ slack_notification_channel: null }).expect(200);
    expect(nulled.body.slack_notification_channel).toBeNull();
    expect(await storedConfigs(t, user.id)).toEqual([
      expect.objectContaining({ autostart_priority: null, slack_notification_channel: null, slack_notification_min_priority: null }),
    ]);
  });

  it('accepts every priority P0..P4 and a channel of exactly 255 characters', async () => {
    const { user, auth } = await caller();
    for (const p of ['P0', 'P1', 'P2', 'P3', 'P4']) {
      const res = await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: p, slack_notification_min_priority: p }).expect(200);
      expect(res.body).toMatchObject({ autostart_priority: p, slack_notification_min_priority: p });
    }
    const channel = 'c'.repeat(255);
    await t.http().post(autonomyUrl('@me')).set(auth).send({ slack_notification_channel: channel }).expect(200);
    expect((await storedConfigs(t, user.id))[0]!.slack_notification_channel).toBe(channel);
  });

  it('ignores unknown and read-only keys', async () => {
    const { user, auth } = await caller();
    const res = await t.http().post(autonomyUrl('@me')).set(auth).send({
      autostart_priority: 'P3',
      id: '00000000-0000-0000-0000-000000000000',
      user: { id: 1 },
      created_at: '2000-01-01T00:00:00.000Z',
      slack_notification_integration_id: 42,
      whatever: true,
    }).expect(200);
    expect(res.body.id).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(res.body.user.id).toBe(user.id);
    expect(res.body.created_at).not.toBe('2000-01-01T00:00:00.000Z');
    expect(res.body).not.toHaveProperty('whatever');
    expect(res.body).not.toHaveProperty('slack_notification_integration_id');
    expect(res.body.autostart_priority).toBe('P3');
  });

  describe('invalid values: exact 400, and nothing changes', () => {
    const notString = { type: 'validation_error', code: 'invalid_input', detail: 'Not a valid string.', attr: 'slack_notification_channel' };
    const cases: [string, unknown, object][] = [
      ['a bad priority', { autostart_priority: 'P9' }, choice('autostart_priority', '"P9"')],
      ['a bad min priority', { slack_notification_min_priority: 'P5' }, choice('slack_notification_min_priority', '"P5"')],
      ['a lower-case priority', { autostart_priority: 'p1' }, choice('autostart_priority', '"p1"')],
      ['an empty priority', { slack_notification_min_priority: '' }, choice('slack_notification_min_priority', '""')],
      ['a padded priority', { autostart_priority: ' P1' }, choice('autostart_priority', '" P1"')],
      ['a numeric priority', { autostart_priority: 1 }, choice('autostart_priority', '"1"')],
      ['a boolean priority', { autostart_priority: true }, choice('autostart_priority', '"true"')],
      // A list or an object is never quoted (docs/api.md, "Errors").
      ['a list priority', { slack_notification_min_priority: ['P1'] }, notChoice('slack_notification_min_priority')],
      ['an object priority', { autostart_priority: { p: 'P1' } }, notChoice('autostart_priority')],
      [
        'a 256-character channel',
        { slack_notification_channel: 'c'.repeat(256) },
        { type: 'validation_error', code: 'max_length', detail: 'Ensure this field has no more than 255 characters.', attr: 'slack_notification_channel' },
      ],
      ['a numeric channel', { slack_notification_channel: 123 }, notString],
      ['a boolean channel', { slack_notification_channel: false }, notString],
      ['an object channel', { slack_notification_channel: { name: '#a' } }, notString],
      ['a list channel', { slack_notification_channel: ['#a'] }, notString],
      // A valid field next to an invalid one is not written either.
      ['a valid field with an invalid one', { autostart_priority: 'P0', slack_notification_min_priority: 'P7' }, choice('slack_notification_min_priority', '"P7"')],
      ['a valid field with a long channel', { autostart_priority: 'P0', slack_notification_channel: 'x'.repeat(300) }, { type: 'validation_error', code: 'max_length', detail: 'Ensure this field has no more than 255 characters.', attr: 'slack_notification_channel' }],
      ['a list body', ['autostart_priority'], { type: 'validation_error', code: 'invalid_input', detail: 'Invalid data. Expected a dictionary, but got list.', attr: null }],
    ];

    it.each(cases)('refuses %s on an existing config', async (_name, body, error) => {
      const { user, auth } = await caller();
      await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: 'P2', slack_notification_channel: '#keep', slack_notification_min_priority: 'P3' }).expect(200);
      const before = await storedConfigs(t, user.id);
      const res = await t.http().post(autonomyUrl('@me')).set(auth).send(body as object);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error);
      expect(await storedConfigs(t, user.id)).toEqual(before);
    });

    it('creates nothing when the first POST is invalid', async () => {
      const { user, auth } = await caller();
      const res = await t.http().post(autonomyUrl('@me')).set(auth).send({ slack_notification_channel: '#ok', autostart_priority: 'P9' }).expect(400);
      expect(res.body).toEqual(choice('autostart_priority', '"P9"'));
      expect(await storedConfigs(t, user.id)).toEqual([]);
      await t.http().get(autonomyUrl('@me')).set(auth).expect(404);
    });

    it('answers malformed JSON with parse_error and writes nothing', async () => {
      const { user, auth } = await caller();
      const res = await t.http().post(autonomyUrl('@me')).set(auth).set('Content-Type', 'application/json').send('{"autostart_priority":');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('parse_error');
      expect(await storedConfigs(t, user.id)).toEqual([]);
    });
  });

  it('DELETE answers 204 with no body, twice, and also when nothing was ever saved', async () => {
    const { user, auth } = await caller();
    const other = await caller();
    await t.http().post(autonomyUrl('@me')).set(other.auth).send({ autostart_priority: 'P1' }).expect(200);
    await t.http().delete(autonomyUrl('@me')).set(auth).expect(204);
    await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: 'P1' }).expect(200);
    const first = await t.http().delete(autonomyUrl('@me')).set(auth).expect(204);
    expect(first.text).toBe('');
    expect(await storedConfigs(t, user.id)).toEqual([]);
    await t.http().get(autonomyUrl('@me')).set(auth).expect(404);
    await t.http().delete(autonomyUrl('@me')).set(auth).expect(204);
    // Another user's config is untouched.
    expect(await storedConfigs(t, other.user.id)).toHaveLength(1);
    // A new POST after a delete starts from scratch.
    const recreated = await t.http().post(autonomyUrl('@me')).set(auth).send({ slack_notification_channel: '#new' }).expect(200);
    expect(recreated.body.autostart_priority).toBeNull();
  });

  it('the config goes away with its user (ON DELETE CASCADE)', async () => {
    const { user, auth } = await caller();
    await t.http().post(autonomyUrl('@me')).set(auth).send({ autostart_priority: 'P0' }).expect(200);
    expect(await storedConfigs(t, user.id)).toHaveLength(1);
    await t.dataSource.query('DELETE FROM users WHERE id = $1', [user.id]);
    expect(await storedConfigs(t, user.id)).toEqual([]);
  });

  it('the database refuses a second row for a user and priorities outside P0..P4', async () => {
    const { user } = await caller();
    await t.dataSource.query('INSERT INTO signal_autonomy_configs (user_id) VALUES ($1)', [user.id]);
    await expect(t.dataSource.query('INSERT INTO signal_autonomy_configs (user_id) VALUES ($1)', [user.id])).rejects.toThrow(/unique/i);
    await expect(t.dataSource.query(`UPDATE signal_autonomy_configs SET autostart_priority = 'P5' WHERE user_id = $1`, [user.id])).rejects.toThrow(/check/i);
  });

  it('answers other methods with 405 and the allowed ones', async () => {
    const { auth } = await caller();
    const res = await t.http().patch(autonomyUrl('@me')).set(auth).send({ autostart_priority: 'P1' }).expect(405);
    expect(res.body).toEqual({ type: 'invalid_request', code: 'method_not_allowed', detail: 'Method "PATCH" not allowed.', attr: null });
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, POST');
  });

  it('publishes the request and response schemas in the OpenAPI document', async () => {
    const doc = (await t.http().get('/api/schema').expect(200)).body;
    const path = doc.paths['/api/users/{user_id}/signal_autonomy'];
    expect(Object.keys(path).sort()).toEqual(['delete', 'get', 'post']);
    const request = path.post.requestBody.content['application/json'].schema;
    expect(Object.keys(request.properties).sort()).toEqual(['autostart_priority', 'slack_notification_channel', 'slack_notification_min_priority']);
    expect(request.properties.slack_notification_channel.maxLength).toBe(255);
    expect(request.required ?? []).toEqual([]);
    const response = path.post.responses['200'].content['application/json'].schema;
    expect(Object.keys(response.properties).sort()).toEqual([
      'autostart_priority', 'created_at', 'id', 'slack_notification_channel', 'slack_notification_min_priority', 'updated_at', 'user',
    ]);
    expect(Object.keys(response.properties.user.properties).sort()).toEqual(['email', 'first_name', 'id', 'last_name', 'uuid']);
    expect(path.get.responses['200'].content['application/json'].schema).toEqual(response);
    expect(path.delete.responses).toHaveProperty('204');
  });
});
