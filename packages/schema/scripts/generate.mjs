#!/usr/bin/env node
// Generates packages/schema/src/generated/{schemas,types}.ts from schemas/**/*.json.
//   node packages/schema/scripts/generate.mjs          write the files
//   node packages/schema/scripts/generate.mjs --check  exit 1 if the committed files are stale
// Every schema is compiled by ajv in strict mode first, so unknown keywords fail the build.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { loadSchemas, readCatalogNames, RESOURCE_NAMES } from './lib/load-schemas.mjs';
import { renderSchemasModule, renderTypesModule } from './lib/emit.mjs';
import { checkDefaults } from './lib/check-defaults.mjs';
import { addEncryptFieldsKeyword, checkEncryptFields } from './lib/encrypt-fields.mjs';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(packageDir, '..', '..');
const schemasDir = join(repoDir, 'schemas');
const outDir = join(packageDir, 'src', 'generated');

function fail(lines) {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
}

function compileStrict(schemas) {
  const Ajv = AjvModule.default ?? AjvModule;
  // strictRequired is off: APISIX writes `required` inside anyOf/oneOf branches of the parent.
  const ajv = new Ajv({ strict: true, strictRequired: false, useDefaults: true, allErrors: false });
  ajv.addFormat('ipv4', (s) => isIPv4(s));
  ajv.addFormat('ipv6', (s) => isIPv6(s));
  addEncryptFieldsKeyword(ajv);
  const errors = [];
  for (const s of schemas) ajv.addSchema(s);
  for (const s of schemas) {
    try {
      ajv.getSchema(s.$id);
    } catch (err) {
      errors.push(`${s.$id}: ${err.message}`);
    }
  }
  return errors.length > 0
    ? errors
    : [...checkDefaults(ajv, schemas), ...checkEncryptFields(schemas)];
}

function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      const show = (line) => JSON.stringify(line ?? '<eof>');
      return `line ${i + 1} is ${show(la[i])}, regenerated ${show(lb[i])}`;
    }
  }
  return 'identical';
}

async function main() {
  const check = process.argv.includes('--check');
  const { schemas, plugins, errors } = loadSchemas(schemasDir, readCatalogNames(packageDir));
  if (errors.length > 0) fail(['schema lint failed:', ...errors.map((e) => `  ${e}`)]);
  const compileErrors = compileStrict(schemas);
  if (compileErrors.length > 0) {
    fail(['ajv strict compile or default check failed:', ...compileErrors.map((e) => `  ${e}`)]);
  }
  const outputs = {
    'schemas.ts': renderSchemasModule(schemas, plugins, RESOURCE_NAMES),
    'types.ts': await renderTypesModule(schemas, plugins, RESOURCE_NAMES),
  };
  const stale = [];
  for (const [file, text] of Object.entries(outputs)) {
    const path = join(outDir, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      const rel = relative(repoDir, path);
      stale.push(`  ${rel}: ${current === null ? 'missing' : firstDifference(current, text)}`);
    } else {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path, text);
      process.stdout.write(`wrote ${relative(repoDir, path)}\n`);
    }
  }
  if (stale.length > 0) {
    fail(['generated files are stale; run `pnpm gen` and commit the result:', ...stale]);
  }
  if (check) process.stdout.write(`generated files are up to date (${schemas.length} schemas)\n`);
}

main().catch((err) => fail([err.stack ?? String(err)]));
