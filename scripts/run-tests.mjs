// Runs the whole Jest suite and ends with the plain "N passed, N failed" line CI reads,
// keeping Jest's exit code. Extra arguments go to Jest (e.g. `npm test -- test/users`).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const resultFile = '.jest-result.json';
rmSync(resultFile, { force: true });
const run = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    '--runInBand',
    '--json',
    `--outputFile=${resultFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
try {
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  passed = result.numPassedTests;
  // A suite that fails to load counts as a failure even though it ran no test.
  failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status ?? 1);
