import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envSchema } from '#libs/config';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The README's configuration table: the backticked names in the first column of its rows. */
function documentedVariables(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
}

describe('the documentation says what the code does', () => {
  it('the README configuration table lists exactly the variables env.schema.ts defines', () => {
    expect(documentedVariables(read('README.md')).sort()).toEqual(Object.keys(envSchema.shape).sort());
  });
});
