/** A problem with the command line or its input: printed as one line, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new CliError(`--${name} is required`);
  return value.trim();
}
