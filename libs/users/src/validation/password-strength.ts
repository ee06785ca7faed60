import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { validationError } from '#libs/core';

export const PASSWORD_MIN_LENGTH = 8;
const ATTR = 'password';

/** What a password must not resemble: the account's own identity. */
export interface PasswordOwner {
  email: string;
  firstName: string;
  lastName: string;
}

// Building the ranked dictionaries takes ~150 ms: once, on first use. Levenshtein matching stays
// off: it makes a check take hundreds of milliseconds for little gain over the dictionaries.
let factory: ZxcvbnFactory | null = null;
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  }));

const invalid = (detail: string) => validationError('invalid_input', detail, ATTR);

/**
 * Django's password rules (length, not all digits, not common, not like the user's own data),
 * with zxcvbn's dictionaries standing in for Django's common-password list, plus zxcvbn's overall
 * guessability score.
 */
export function assertStrongPassword(password: string, owner: PasswordOwner): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw invalid(`This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (/^\d+$/.test(password)) throw invalid('This password is entirely numeric.');
  const attributes = ownerAttributes(owner);
  const result = zxcvbn().check(password, attributes.map((a) => a.value));
  const similar = similarAttribute(password, result, attributes);
  if (similar) throw invalid(`The password is too similar to the ${similar}.`);
  if (isCommon(password, result)) throw invalid('This password is too common.');
  if (result.score < 2) {
    const hint = result.feedback.warning ?? result.feedback.suggestions[0];
    throw invalid(hint ? `This password is too weak: ${hint}` : 'This password is too weak.');
  }
}

interface Attribute {
  label: string;
  value: string;
}

function ownerAttributes(owner: PasswordOwner): Attribute[] {
  const email = owner.email.toLowerCase();
  const local = email.split('@')[0] ?? '';
  return [
    { label: 'email address', value: email },
    { label: 'email address', value: local },
    ...local.split(/[._+-]+/).filter((part) => part.length >= 3).map((value) => ({ label: 'email address', value })),
    { label: 'first name', value: owner.firstName.toLowerCase() },
    { label: 'last name', value: owner.lastName.toLowerCase() },
  ].filter((a) => a.value.length >= 3);
}

/** The owner's data makes up at least half of the password. */
function similarAttribute(password: string, result: ZxcvbnResult, attributes: Attribute[]): string | null {
  const matches = result.sequence.filter((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs');
  const covered = matches.reduce((sum, m) => sum + m.token.length, 0);
  if (matches.length === 0 || covered * 2 < password.length) return null;
  const longest = matches.reduce((a, b) => (b.token.length > a.token.length ? b : a));
  const word = String(longest.matchedWord ?? longest.token).toLowerCase();
  return attributes.find((a) => a.value === word)?.label ?? attributes.find((a) => a.value.includes(word))?.label ?? 'email address';
}

/** The whole password is one entry of a leaked-password list (allowing case and l33t changes). */
function isCommon(password: string, result: ZxcvbnResult): boolean {
  return result.sequence.some(
    (m) => m.pattern === 'dictionary' && String(m.dictionaryName).startsWith('passwords') && m.token.length === password.length,
  );
}
