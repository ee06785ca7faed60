import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { DomainError } from '#libs/core';
import { ApiValidationPipe } from './validation.pipe.js';

const pipe = new ApiValidationPipe();
const body = z.object({
  name: z.string().trim().min(1).max(5),
  count: z.number().int().min(1).max(3).optional(),
  kind: z.enum(['a', 'b']).optional(),
  label: z.string({ error: 'Label says so.' }).max(3, { error: 'Label says so.' }).optional(),
});

async function refusal(value: unknown, type: 'body' | 'query' = 'body') {
  try {
    await pipe.transform(value, { type, schema: body });
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const e = error as DomainError;
    return { kind: e.kind, code: e.code, detail: e.detail, attr: e.attr };
  }
  throw new Error('accepted');
}

describe('the validation pipe (docs/api.md, Errors)', () => {
  it('returns the parsed value (transforms applied)', async () => {
    await expect(pipe.transform({ name: '  ab ' }, { type: 'body', schema: body })).resolves.toEqual({ name: 'ab' });
  });

  it('passes parameters without a schema through untouched', async () => {
    await expect(pipe.transform('raw', { type: 'param' })).resolves.toBe('raw');
  });

  it.each([
    [{}, 'required', 'This field is required.', 'name'],
    [{ name: null }, 'null', 'This field may not be null.', 'name'],
    [{ name: 7 }, 'invalid_input', 'Not a valid string.', 'name'],
    [{ name: '   ' }, 'blank', 'This field may not be blank.', 'name'],
    [{ name: 'abcdef' }, 'max_length', 'Ensure this field has no more than 5 characters.', 'name'],
    [{ name: 'a', count: 0 }, 'min_value', 'Ensure this value is greater than or equal to 1.', 'count'],
    [{ name: 'a', count: 4 }, 'max_value', 'Ensure this value is less than or equal to 3.', 'count'],
    [{ name: 'a', count: 1.5 }, 'invalid_input', 'A valid integer is required.', 'count'],
    [{ name: 'a', kind: 'c' }, 'invalid_choice', '"c" is not a valid choice.', 'kind'],
    [{ name: 'a', kind: { deep: ['x'] } }, 'invalid_choice', 'Not a valid choice.', 'kind'],
    [{ name: 'a', label: 5 }, 'invalid_input', 'Label says so.', 'label'],
    [{ name: 'a', label: 'long' }, 'invalid_input', 'Label says so.', 'label'],
  ])('%j → %s', async (value, code, detail, attr) => {
    expect(await refusal(value)).toEqual({ kind: 'validation', code, detail, attr });
  });

  it('reports the first failing field in schema order', async () => {
    expect(await refusal({ count: 9, kind: 'z' })).toMatchObject({ attr: 'name' });
  });

  it('takes a missing or null body as {}, and refuses a list or a string as a dictionary', async () => {
    expect(await refusal(undefined)).toMatchObject({ code: 'required', attr: 'name' });
    expect(await refusal(null)).toMatchObject({ code: 'required', attr: 'name' });
    expect(await refusal([1])).toEqual({ kind: 'validation', code: 'invalid_input', detail: 'Invalid data. Expected a dictionary, but got list.', attr: null });
    expect(await refusal('x')).toEqual({ kind: 'validation', code: 'invalid_input', detail: 'Invalid data. Expected a dictionary, but got string.', attr: null });
  });
});
