import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { NOTIFICATION_DEFAULTS } from '#libs/users';
import { createUser, loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, snapshot, storedUser, validation } from './helpers.js';

describe('PATCH /api/users/@me/: field rules', () => {
  let t: TestApp;
  let client: SessionClient;
  let userId: number;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    const logged = await loggedInUser(t.app, { email: 'alpha@example.com', firstName: 'Alpha', lastName: 'Tester' });
    client = logged.client;
    userId = logged.user.id;
  });
  afterAll(() => t.close());

  /** Expects the exact 400 and that the stored row did not change. */
  async function refused(body: object, code: string, detail: string, attr: string | null): Promise<void> {
    const before = await snapshot(t, userId);
    expectError(await client.patch('/api/users/@me/', body), 400, validation(code, detail, attr));
    expect(await snapshot(t, userId)).toEqual(before);
  }

  it('updates several fields at once and echoes them', async () => {
    const res = await client
      .patch('/api/users/@me/', {
        first_name: '  Cooper ',
        anonymize_data: true,
        events_column_config: { active: ['column_1', 'column_2'] },
        has_seen_product_intro_for: { feature_flags: true },
        role_at_organization: 'engineering',
        notification_settings: { plugin_disabled: false },
      })
      .expect(200);
    expect(res.body).toMatchObject({
      first_name: 'Cooper',
      anonymize_data: true,
      events_column_config: { active: ['column_1', 'column_2'] },
      has_seen_product_intro_for: { feature_flags: true },
      role_at_organization: 'engineering',
    });
    expect(res.body.notification_settings.plugin_disabled).toBe(false);
    expect(await storedUser(t, userId)).toMatchObject({ firstName: 'Cooper', anonymizeData: true, roleAtOrganization: 'engineering' });
  });

  describe('names', () => {
    it.each([
      ['first_name', 'Line\nbreak', 'invalid_control_char', 'Line breaks and control characters are not allowed in this field.'],
      ['last_name', 'Tab\there', 'invalid_control_char', 'Line breaks and control characters are not allowed in this field.'],
      ['first_name', 'Zero\u200Bwidth', 'invalid_invisible_char', 'Invisible or direction-override characters are not allowed in this field.'],
      ['last_name', 'Bidi\u202Eevil', 'invalid_invisible_char', 'Invisible or direction-override characters are not allowed in this field.'],
      ['first_name', '<script>', 'invalid_bracket', 'Angle brackets are not allowed in this field.'],
      ['last_name', 'a > b', 'invalid_bracket', 'Angle brackets are not allowed in this field.'],
      ['first_name', 'visit https://evil.test', 'invalid_url', 'URLs are not allowed in this field.'],
      ['first_name', 'www.evil', 'invalid_url', 'URLs are not allowed in this field.'],
      ['last_name', 'evil.com', 'invalid_url', 'URLs are not allowed in this field.'],
      ['last_name', 'Go to phish.co.uk now', 'invalid_url', 'URLs are not allowed in this field.'],
      ['first_name', 'ｅｖｉｌ．ｃｏｍ', 'invalid_url', 'URLs are not allowed in this field.'],
      ['first_name', 'x'.repeat(151), 'max_length', 'Ensure this field has no more than 150 characters.'],
      ['first_name', 42, 'invalid_input', 'Not a valid string.'],
      ['last_name', null, 'null', 'This field may not be null.'],
    ])('refuses %s %j', (attr, value, code, detail) => refused({ [attr]: value }, code, detail, attr));

    it('trims, allows blank and ordinary names', async () => {
      const res = await client.patch('/api/users/@me/', { first_name: "  Zoë-Anne O'Brien ", last_name: '' }).expect(200);
      expect(res.body).toMatchObject({ first_name: "Zoë-Anne O'Brien", last_name: '' });
      await client.patch('/api/users/@me/', { first_name: 'J. R. R.', last_name: 'x'.repeat(150) }).expect(200);
    });
  });

  describe('email', () => {
    it('stores a new address lower-case', async () => {
      expect((await client.patch('/api/users/@me/', { email: '  Beta@Example.COM ' }).expect(200)).body.email).toBe('beta@example.com');
      expect((await storedUser(t, userId))!.email).toBe('beta@example.com');
    });

    it('keeps the stored string on a case-only change', async () => {
      expect((await client.patch('/api/users/@me/', { email: 'ALPHA@example.com' }).expect(200)).body.email).toBe('alpha@example.com');
      expect((await storedUser(t, userId))!.email).toBe('alpha@example.com');
    });

    it('refuses an address another user has, whatever its case', async () => {
      await createUser(t.app, { email: 'taken@example.com' });
      await refused({ email: 'Taken@Example.com' }, 'unique', 'There is already an account with this email address.', 'email');
    });

    it.each([
      ['not-an-email', 'invalid_input', 'Enter a valid email address.'],
      ['a@b', 'invalid_input', 'Enter a valid email address.'],
      [`${'a'.repeat(250)}@example.com`, 'max_length', 'Ensure this field has no more than 254 characters.'],
      ['', 'blank', 'This field may not be blank.'],
      [null, 'null', 'This field may not be null.'],
      [7, 'invalid_input', 'Enter a valid email address.'],
    ])('refuses %j', (value, code, detail) => refused({ email: value }, code, detail, 'email'));
  });

  describe('enums', () => {
    it.each([
      ['toolbar_mode', 'floating', '"floating" is not a valid choice.'],
      ['theme_mode', 'pink', '"pink" is not a valid choice.'],
      ['theme_mode', '', '"" is not a valid choice.'],
      ['shortcut_position', 'left', '"left" is not a valid choice.'],
      ['role_at_organization', 'ceo', '"ceo" is not a valid choice.'],
      ['role_at_organization', 5, '"5" is not a valid choice.'],
    ])('refuses %s %j', (attr, value, detail) => refused({ [attr]: value }, 'invalid_choice', detail, attr));

    it('accepts every listed value, and null where nullable', async () => {
      for (const mode of ['disabled', 'toolbar']) await client.patch('/api/users/@me/', { toolbar_mode: mode }).expect(200);
      for (const mode of ['light', 'dark', 'system']) await client.patch('/api/users/@me/', { theme_mode: mode }).expect(200);
      for (const pos of ['above', 'below', 'hidden']) await client.patch('/api/users/@me/', { shortcut_position: pos }).expect(200);
      for (const role of ['engineering', 'data', 'product', 'founder', 'leadership', 'marketing', 'sales', 'other']) {
        await client.patch('/api/users/@me/', { role_at_organization: role }).expect(200);
      }
      const res = await client.patch('/api/users/@me/', { theme_mode: null, toolbar_mode: null, shortcut_position: null }).expect(200);
      expect(res.body).toMatchObject({ theme_mode: null, toolbar_mode: null, shortcut_position: 'above', role_at_organization: 'other' });
      await refused({ role_at_organization: null }, 'null', 'This field may not be null.', 'role_at_organization');
    });
  });

  describe('booleans', () => {
    it.each(['anonymize_data', 'allow_impersonation', 'allow_sidebar_suggestions', 'passkeys_enabled_for_2fa', 'hide_mcp_hints'])(
      'refuses a non-boolean %s',
      (attr) => refused({ [attr]: 'true' }, 'invalid_input', 'Must be a valid boolean.', attr),
    );

    it('accepts booleans, and null where nullable', async () => {
      const res = await client
        .patch('/api/users/@me/', { anonymize_data: null, allow_impersonation: false, allow_sidebar_suggestions: true, passkeys_enabled_for_2fa: false, hide_mcp_hints: true })
        .expect(200);
      expect(res.body).toMatchObject({ anonymize_data: null, allow_impersonation: false, allow_sidebar_suggestions: true, passkeys_enabled_for_2fa: false, hide_mcp_hints: true });
      await refused({ hide_mcp_hints: null }, 'null', 'This field may not be null.', 'hide_mcp_hints');
    });

    it('refuses passkeys for 2FA without passkeys', () =>
      refused({ passkeys_enabled_for_2fa: true }, 'no_passkeys', 'You must have at least one passkey set up before enabling passkeys for 2FA.', 'passkeys_enabled_for_2fa'));
  });

  describe('JSON fields', () => {
    it.each(['events_column_config', 'has_seen_product_intro_for', 'hedgehog_config'])('refuses a non-object %s', async (attr) => {
      await refused({ [attr]: [1, 2] }, 'invalid_input', 'Expected a JSON object.', attr);
      await refused({ [attr]: 'text' }, 'invalid_input', 'Expected a JSON object.', attr);
    });

    it.each(['events_column_config', 'has_seen_product_intro_for', 'hedgehog_config'])('caps %s at 64 KiB', async (attr) => {
      await refused({ [attr]: { blob: 'x'.repeat(65536) } }, 'max_length', 'Ensure this value is no larger than 65536 bytes as JSON.', attr);
      const fits = { blob: 'x'.repeat(65536 - 20) };
      expect((await client.patch('/api/users/@me/', { [attr]: fits }).expect(200)).body[attr]).toEqual(fits);
    });

    it('refuses what PostgreSQL cannot store instead of failing', async () => {
      await refused({ hedgehog_config: { a: 'nul\u0000' } }, 'null_characters_not_allowed', 'Null characters are not allowed.', 'hedgehog_config');
      let deep: unknown = 1;
      for (let i = 0; i < 200; i++) deep = { d: deep };
      // Refused by the JSON parser itself (docs/api.md, "Requests and errors"), before any field rule.
      const before = await snapshot(t, userId);
      expectError(await client.patch('/api/users/@me/', { events_column_config: deep as object }), 400, {
        type: 'invalid_request',
        code: 'parse_error',
        detail: 'JSON parse error - JSON nested deeper than 64 levels.',
        attr: null,
      });
      expect(await snapshot(t, userId)).toEqual(before);
    });

    it('allows null for the nullable ones only', async () => {
      await client.patch('/api/users/@me/', { has_seen_product_intro_for: null, hedgehog_config: null }).expect(200);
      await refused({ events_column_config: null }, 'null', 'This field may not be null.', 'events_column_config');
    });
  });

  describe('notification settings', () => {
    it('merges a partial update into the defaults and the stored settings', async () => {
      const res = await client
        .patch('/api/users/@me/', {
          notification_settings: {
            plugin_disabled: false,
            discussions_mentioned: false,
            error_tracking_issue_assigned: false,
            project_weekly_digest_disabled: { 123: true },
            all_weekly_digest_disabled: true,
            data_pipeline_error_threshold: 0.1,
            materialized_view_sync_failed: true,
          },
        })
        .expect(200);
      expect(res.body.notification_settings).toEqual({
        ...NOTIFICATION_DEFAULTS,
        plugin_disabled: false,
        discussions_mentioned: false,
        error_tracking_issue_assigned: false,
        project_weekly_digest_disabled: { '123': true },
        all_weekly_digest_disabled: true,
        data_pipeline_error_threshold: 0.1,
        materialized_view_sync_failed: true,
      });
      const again = await client.patch('/api/users/@me/', { notification_settings: { all_weekly_digest_disabled: false } }).expect(200);
      expect(again.body.notification_settings).toMatchObject({ plugin_disabled: false, all_weekly_digest_disabled: false });
    });

    it.each(['project_weekly_digest_disabled', 'organization_member_join_email_disabled'])('merges %s maps key by key', async (key) => {
      await client.patch('/api/users/@me/', { notification_settings: { [key]: { '123': true } } }).expect(200);
      const res = await client.patch('/api/users/@me/', { notification_settings: { [key]: { '456': true, '123': false } } }).expect(200);
      expect(res.body.notification_settings[key]).toEqual({ '123': false, '456': true });
      expect((await storedUser(t, userId))!.partialNotificationSettings).toEqual({ [key]: { '123': false, '456': true } });
    });

    it.each([
      [{ invalid_key: true }, 'Key invalid_key is not valid as a key for notification settings'],
      [{ project_weekly_digest_disabled: { '123': 'not a boolean' } }, "Notification setting values must be boolean, got <class 'str'> instead"],
      [{ organization_member_join_email_disabled: { a: 1 } }, "Notification setting values must be boolean, got <class 'int'> instead"],
      [{ project_weekly_digest_disabled: [1] }, 'project_weekly_digest_disabled must be a dictionary mapping IDs to boolean values'],
      [{ data_pipeline_error_threshold: 1.5 }, 'data_pipeline_error_threshold must be between 0.0 and 1.0, got 1.5'],
      [{ data_pipeline_error_threshold: -0.1 }, 'data_pipeline_error_threshold must be between 0.0 and 1.0, got -0.1'],
      [{ data_pipeline_error_threshold: 'high' }, 'data_pipeline_error_threshold must be a number between 0.0 and 1.0'],
      [{ plugin_disabled: 'yes' }, "yes is not a valid type for notification settings, should be <class 'bool'>"],
      [[true], 'Expected a dictionary of items but got type "list".'],
    ])('refuses %j', (settings, detail) => refused({ notification_settings: settings }, 'invalid_input', detail, 'notification_settings'));

    it('accepts the threshold bounds', async () => {
      await client.patch('/api/users/@me/', { notification_settings: { data_pipeline_error_threshold: 0 } }).expect(200);
      const res = await client.patch('/api/users/@me/', { notification_settings: { data_pipeline_error_threshold: 1 } }).expect(200);
      expect(res.body.notification_settings.data_pipeline_error_threshold).toBe(1);
    });
  });

  it('changes nothing when a later field of the body is invalid', async () => {
    await refused({ first_name: 'Valid', email: 'fine@example.com', theme_mode: 'pink' }, 'invalid_choice', '"pink" is not a valid choice.', 'theme_mode');
  });
});
