import { DomainError } from '#libs/core';

/** A problem with the command line or its input: printed as one line, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** A validation refusal of the API's rules, naming the option it is about (`--password: …`). */
export function optionError(error: DomainError): CliError | DomainError {
  return error.attr ? new CliError(`--${error.attr.replaceAll('_', '-')}: ${error.detail}`) : error;
}

/** Runs the API's validation rules; a refusal names the option it is about. */
export function optionRules<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof DomainError) throw optionError(error);
    throw error;
  }
}

export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new CliError(`--${name} is required`);
  return value.trim();
}
