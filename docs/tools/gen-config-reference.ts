/**
 * Writes docs/configuration-reference.md from config.yaml's JSON Schema
 * (apps/cli/src/config/reference.ts says how). Run from the repository root:
 *
 *   pnpm exec tsx docs/tools/gen-config-reference.ts           rewrite the file
 *   pnpm exec tsx docs/tools/gen-config-reference.ts --check   exit 1 when it would change
 *
 * apps/cli/src/config/reference.test.ts runs the same check in the unit tier.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderConfigReference } from '../../apps/cli/src/config/reference';

const repo = path.resolve(__dirname, '../..');
const target = path.join(repo, 'docs/configuration-reference.md');
const text = renderConfigReference();
const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
if (process.argv.includes('--check')) {
  if (current !== text) {
    process.stderr.write('docs/configuration-reference.md is out of date: run this script\n');
    process.exitCode = 1;
  }
} else if (current !== text) {
  fs.writeFileSync(target, text);
}
