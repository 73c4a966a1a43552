import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('scripts/generate.mjs', () => {
  it('--check passes: the committed generated files match schemas/', () => {
    const script = join(__dirname, '..', 'scripts', 'generate.mjs');
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/generated files are up to date/);
  }, 30_000);
});
