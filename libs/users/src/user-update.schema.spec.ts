import { describe, expect, it } from '@jest/globals';
import { DomainError, parseOrThrow } from '#libs/core';
import { hedgehogConfigBodySchema, userUpdateBodySchema } from './user-update.schema.js';

/** The error body a refused value gets, or the parsed body. */
function outcome(body: unknown, schema: Parameters<typeof parseOrThrow>[0] = userUpdateBodySchema) {
  try {
    return { parsed: parseOrThrow(schema, body) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, detail: error.detail, attr: error.attr };
  }
}

const refused = (code: string, detail: string, attr: string | null) => ({ code, detail, attr });

describe('the user update body (docs/api.md, Users)', () => {
  it.each([
    [{ first_name: 'x'.repeat(151) }, refused('max_length', 'Ensure this field has no more than 150 characters.', 'first_name')],
    [{ last_name: 'a\nb' }, refused('invalid_control_char', 'Line breaks and control characters are not allowed in this field.', 'last_name')],
    [{ first_name: 'a\u202Eb' }, refused('invalid_invisible_char', 'Invisible or direction-override characters are not allowed in this field.', 'first_name')],
    [{ first_name: '<b>' }, refused('invalid_bracket', 'Angle brackets are not allowed in this field.', 'first_name')],
    [{ first_name: 'visit evil.example' }, refused('invalid_url', 'URLs are not allowed in this field.', 'first_name')],
    [{ first_name: 'ｅｖｉｌ．ｃｏｍ' }, refused('invalid_url', 'URLs are not allowed in this field.', 'first_name')],
    [{ first_name: null }, refused('null', 'This field may not be null.', 'first_name')],
    [{ first_name: 5 }, refused('invalid_input', 'Not a valid string.', 'first_name')],
    [{ email: 5 }, refused('invalid_input', 'Enter a valid email address.', 'email')],
    [{ email: null }, refused('null', 'This field may not be null.', 'email')],
    [{ email: '  ' }, refused('blank', 'This field may not be blank.', 'email')],
    [{ email: 'no-at-sign' }, refused('invalid_input', 'Enter a valid email address.', 'email')],
    [{ email: `${'a'.repeat(250)}@x.io` }, refused('max_length', 'Ensure this field has no more than 254 characters.', 'email')],
    [{ password: '' }, refused('blank', 'This field may not be blank.', 'password')],
    [{ password: 1 }, refused('invalid_input', 'Not a valid string.', 'password')],
    [{ anonymize_data: 'true' }, refused('invalid_input', 'Must be a valid boolean.', 'anonymize_data')],
    [{ hide_mcp_hints: null }, refused('null', 'This field may not be null.', 'hide_mcp_hints')],
    [{ is_staff: 1 }, refused('invalid_input', 'Must be a valid boolean.', 'is_staff')],
    [{ theme_mode: 'pink' }, refused('invalid_choice', '"pink" is not a valid choice.', 'theme_mode')],
    [{ role_at_organization: 5 }, refused('invalid_choice', '"5" is not a valid choice.', 'role_at_organization')],
    [{ role_at_organization: null }, refused('null', 'This field may not be null.', 'role_at_organization')],
    [{ theme_mode: { a: 1 } }, refused('invalid_choice', 'Not a valid choice.', 'theme_mode')],
    [{ set_current_team: 'abc' }, refused('does_not_exist', 'Object with id=abc does not exist.', 'set_current_team')],
    [{ set_current_team: 2 ** 31 }, refused('does_not_exist', `Object with id=${2 ** 31} does not exist.`, 'set_current_team')],
    [{ set_current_team: 1.5 }, refused('does_not_exist', 'Object with id=1.5 does not exist.', 'set_current_team')],
    [{ set_current_organization: { id: 1 } }, refused('does_not_exist', 'Object with id=<dict> does not exist.', 'set_current_organization')],
    [{ events_column_config: null }, refused('null', 'This field may not be null.', 'events_column_config')],
    [{ hedgehog_config: [1] }, refused('invalid_input', 'Expected a JSON object.', 'hedgehog_config')],
    [{ hedgehog_config: { s: 'a\u0000' } }, refused('invalid_input', 'Null characters are not allowed.', 'hedgehog_config')],
    [{ hedgehog_config: { s: 'x'.repeat(65536) } }, refused('max_length', 'Ensure this value is no larger than 65536 bytes as JSON.', 'hedgehog_config')],
    [{ notification_settings: [] }, refused('invalid_input', 'Expected a dictionary of items but got type "list".', 'notification_settings')],
    [{ notification_settings: { bogus: true } }, refused('invalid_input', 'Key bogus is not valid as a key for notification settings', 'notification_settings')],
    [{ notification_settings: { plugin_disabled: 'no' } }, refused('invalid_input', "no is not a valid type for notification settings, should be <class 'bool'>", 'notification_settings')],
    [{ notification_settings: { data_pipeline_error_threshold: 2 } }, refused('invalid_input', 'data_pipeline_error_threshold must be between 0.0 and 1.0, got 2', 'notification_settings')],
    [{ notification_settings: { project_weekly_digest_disabled: { 7: 'x' } } }, refused('invalid_input', "Notification setting values must be boolean, got <class 'str'> instead", 'notification_settings')],
  ])('refuses %j', (body, expected) => {
    expect(outcome(body)).toEqual(expected);
  });

  it('reports the first failing field in the order of the schema', () => {
    expect(outcome({ theme_mode: 'pink', first_name: '<' })).toEqual(refused('invalid_bracket', 'Angle brackets are not allowed in this field.', 'first_name'));
  });

  it('trims names, lower-cases addresses, reads digit-string team ids and drops unknown keys', () => {
    expect(outcome({ first_name: '  Ada ', email: ' Ada@Example.COM ', set_current_team: ' 42 ', set_current_organization: ' ABC ', id: 1, __proto__x: 1 })).toEqual({
      parsed: { first_name: 'Ada', email: 'ada@example.com', set_current_team: 42, set_current_organization: 'abc' },
    });
  });

  it('keeps a JSON object as sent, a `__proto__` key included', () => {
    const config = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const parsed = (outcome({ hedgehog_config: config }) as { parsed: { hedgehog_config: object } }).parsed.hedgehog_config;
    expect(parsed).toBe(config);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the hedgehog config body', () => {
  it('is the body without the credential a key-in-body caller sends', () => {
    expect(outcome({ personal_api_key: 'phx_secret', skin: 'robo' }, hedgehogConfigBodySchema)).toEqual({ parsed: { skin: 'robo' } });
  });

  it('names the field in its errors', () => {
    expect(outcome({ blob: 'x'.repeat(70_000) }, hedgehogConfigBodySchema)).toEqual(
      refused('max_length', 'Ensure this value is no larger than 65536 bytes as JSON.', 'hedgehog_config'),
    );
  });
});
