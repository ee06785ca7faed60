import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { autonomyUrl, bearer, storedConfigs } from './autonomy-helpers.js';

const FIELDS = ['autostart_priority', 'slack_notification_channel', 'slack_notification_min_priority'] as const;
type Field = (typeof FIELDS)[number];

describe('signal autonomy: concurrent create-or-update', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([1, 2, 3, 4, 5])('20 parallel POSTs for a user without a config make exactly one row (round %i)', async () => {
    const user = await createUser(t.app);
    const auth = bearer(await createApiKey(t.app, user, ['user:write']));
    // Each request writes one field, so the final row must hold one of the values sent for it.
    const bodies = Array.from({ length: 20 }, (_, i): [Field, string] => {
      const field = FIELDS[i % FIELDS.length]!;
      return [field, field === 'slack_notification_channel' ? `#channel-${i}` : `P${i % 5}`];
    });
    const responses = await Promise.all(
      bodies.map(([field, value]) => t.http().post(autonomyUrl('@me')).set(auth).send({ [field]: value })),
    );

    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 200));
    // Every request saw its own write and the same single config.
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    responses.forEach((res, i) => expect(res.body[bodies[i]![0]]).toBe(bodies[i]![1]));

    const rows = await storedConfigs(t, user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe([...ids][0]);
    for (const field of FIELDS) {
      const sent = bodies.filter(([f]) => f === field).map(([, v]) => v);
      expect(sent).toContain(rows[0]![field]);
    }
    // The row is what a GET now returns.
    const current = (await t.http().get(autonomyUrl('@me')).set(auth).expect(200)).body;
    expect(current).toMatchObject({
      id: rows[0]!.id,
      autostart_priority: rows[0]!.autostart_priority,
      slack_notification_channel: rows[0]!.slack_notification_channel,
      slack_notification_min_priority: rows[0]!.slack_notification_min_priority,
    });
  });
});
