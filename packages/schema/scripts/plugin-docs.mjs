#!/usr/bin/env node
// Generates the Attributes tables of docs/plugins/*.md from schemas/**/*.json.
//   node packages/schema/scripts/plugin-docs.mjs          rewrite the tables
//   node packages/schema/scripts/plugin-docs.mjs --check  exit 1 naming the docs that would change
//
// A doc asks for a table with a pair of markers; only the text between them is rewritten:
//
//   <!-- attributes:start ai-proxy-multi.json -->
//   <!-- attributes:end -->
//
// The schema file is looked up in schemas/plugins/ unless it names a directory
// (`common/redis.json`). Options may follow the file name, separated by spaces:
//   root=<path>        document only the subtree at <path> (`instances[].checks.active`)
//   depth=<n>          deepest row, in name segments from the root (default 3); a deeper object
//                      is one row
//   collapse=<p1>,<p2> these paths are one row each, whatever their depth
// Rows: every property in schema order (`_meta` and `if`/`then` branches left out), nested
// object properties as dotted paths, array items as `[]`. The table is formatted with the repo's
// prettier config, so `prettier --write docs/plugins` leaves it unchanged.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const schemasDir = join(repoDir, 'schemas');
const docsDir = join(repoDir, 'docs', 'plugins');

const START = /^<!-- attributes:start (\S+)((?: [a-z]+=\S+)*) -->$/;
const END = '<!-- attributes:end -->';
const DEFAULT_DEPTH = 3;

class DocError extends Error {}

// ---------------------------------------------------------------------------------------------
// Schemas

const byId = new Map();

function loadAllSchemas() {
  for (const dir of ['common', 'resources', 'plugins']) {
    for (const file of readdirSync(join(schemasDir, dir)).sort()) {
      if (!file.endsWith('.json')) continue;
      const schema = JSON.parse(readFileSync(join(schemasDir, dir, file), 'utf8'));
      byId.set(schema.$id, schema);
    }
  }
}

function schemaFile(name) {
  const rel = name.includes('/') ? name : `plugins/${name}`;
  const id = `tollgate:${rel.replace(/\.json$/, '')}`;
  const schema = byId.get(id);
  if (!schema) throw new DocError(`no schema schemas/${rel}`);
  return schema;
}

/** `schema` with its `$ref` resolved; the referring schema's own keywords win. */
function deref(schema, seen = new Set()) {
  if (!schema || typeof schema !== 'object' || typeof schema.$ref !== 'string') return schema;
  if (seen.has(schema.$ref)) throw new DocError(`$ref cycle at ${schema.$ref}`);
  const target = byId.get(schema.$ref);
  if (!target) throw new DocError(`unresolved $ref ${schema.$ref}`);
  const { $ref: _ref, ...own } = schema;
  const {
    $id: _id,
    $schema: _s,
    title: _t,
    ...base
  } = deref(target, new Set([...seen, schema.$ref]));
  return { ...base, ...own };
}

// ---------------------------------------------------------------------------------------------
// Cells

const code = (text) => `\`${text}\``;
const json = (value) => (typeof value === 'string' && value !== '' ? value : JSON.stringify(value));
const IDENTIFIER = /^[A-Za-z0-9_-]+$/;

function typeOf(schema) {
  const s = deref(schema);
  const alternatives = s.oneOf ?? s.anyOf;
  if (!s.type && Array.isArray(alternatives)) {
    return [...new Set(alternatives.map(typeOf))].join(' or ');
  }
  if (s.type === 'array') return s.items ? `array[${typeOf(s.items)}]` : 'array';
  if (Array.isArray(s.type)) return s.type.join(' or ');
  if (s.type) return s.type;
  if (s.enum) return typeof s.enum[0];
  return 'any';
}

function range(min, max, exclusiveMin, exclusiveMax, unit = '') {
  if (exclusiveMin !== undefined && max !== undefined) return `> ${exclusiveMin}, ≤ ${max}${unit}`;
  if (exclusiveMin !== undefined) return `> ${exclusiveMin}${unit}`;
  if (exclusiveMax !== undefined && min === undefined) return `< ${exclusiveMax}${unit}`;
  if (min !== undefined && max !== undefined) return `${min}..${max}${unit}`;
  if (min !== undefined && max === undefined && unit !== '') {
    return `at least ${min}${min === 1 ? unit.replace(/s$/, '') : unit}`;
  }
  if (min !== undefined) return `≥ ${min}${unit}`;
  if (max !== undefined) return `≤ ${max}${unit}`;
  return undefined;
}

/** Constraints of one schema (not of its alternatives), as short phrases. */
function constraints(schema) {
  const s = deref(schema);
  const out = [];
  if (Array.isArray(s.enum)) out.push(s.enum.map((v) => code(json(v))).join(', '));
  if (s.const !== undefined) out.push(code(json(s.const)));
  const numeric = range(s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum);
  if (numeric) out.push(numeric);
  const length = range(s.minLength, s.maxLength, undefined, undefined, ' characters');
  if (length && !(s.minLength === 0 && s.maxLength === undefined)) out.push(length);
  if (typeof s.pattern === 'string') out.push(`matches ${code(s.pattern)}`);
  if (typeof s.format === 'string') out.push(`format ${s.format}`);
  if (s.type === 'array') {
    const items = range(s.minItems, s.maxItems, undefined, undefined, ' items');
    if (items) out.push(items);
    if (s.uniqueItems) out.push('unique');
    if (s.items) {
      const inner = constraints(s.items);
      if (inner.length > 0) out.push(`each ${inner.join(', ')}`);
    }
  }
  if (s.type === 'object' || s.properties || s.patternProperties) {
    const patterns = Object.keys(s.patternProperties ?? {}).filter((k) => !IDENTIFIER.test(k));
    if (patterns.length > 0) {
      const values = patterns.map((p) => typeOf(s.patternProperties[p]));
      out.push(
        `keys matching ${patterns.map(code).join(', ')}, ${[...new Set(values)].join(' or ')} values`,
      );
    } else if (s.additionalProperties === true && s.properties) {
      out.push('other keys allowed');
    }
  }
  return out;
}

function validValues(schema) {
  const s = deref(schema);
  const alternatives = s.oneOf ?? s.anyOf;
  const own = constraints(s);
  if (Array.isArray(alternatives) && !s.type) {
    const parts = alternatives
      .map((alt) => {
        const c = constraints(alt);
        return c.length > 0 ? `${typeOf(alt)} ${c.join(', ')}` : undefined;
      })
      .filter(Boolean);
    own.push(...parts);
  }
  return own.join('; ');
}

/** Prose for a table cell: `<` escaped outside code spans (`ai-proxy-<provider>` is no HTML tag). */
function prose(text) {
  return String(text ?? '')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '\\<')))
    .join('');
}

function cell(text) {
  return String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Rows

/** Named child schemas of an object schema: properties and identifier-like patternProperties. */
function children(schema) {
  const s = deref(schema);
  const named = { ...(s.properties ?? {}) };
  for (const [key, sub] of Object.entries(s.patternProperties ?? {})) {
    if (IDENTIFIER.test(key)) named[key] = sub;
  }
  const required = new Set(Array.isArray(s.required) ? s.required : []);
  return Object.entries(named)
    .filter(([name]) => name !== '_meta')
    .map(([name, sub]) => ({ name, schema: sub, required: required.has(name) }));
}

/** The schema a row's children come from: the object itself, or an array's object items. */
function container(schema) {
  const s = deref(schema);
  if (s.type === 'array' && s.items) {
    const items = deref(s.items);
    return children(items).length > 0 ? { schema: items, suffix: '[]' } : undefined;
  }
  return children(s).length > 0 ? { schema: s, suffix: '' } : undefined;
}

function rowsOf(schema, prefix, depth, options, rows) {
  for (const child of children(schema)) {
    const path = `${prefix}${child.name}`;
    const s = deref(child.schema);
    rows.push({
      name: path,
      type: typeOf(s),
      required: child.required,
      default: s.default,
      valid: validValues(s),
      description: s.description ?? '',
    });
    const inner = container(s);
    if (!inner || depth + 1 >= options.depth || options.collapse.has(path)) continue;
    rowsOf(inner.schema, `${path}${inner.suffix}.`, depth + 1, options, rows);
  }
}

/** The schema at `path` (`instances[].checks.active`) below `schema`. */
function subtree(schema, path) {
  let current = deref(schema);
  for (const segment of path.split('.')) {
    const array = segment.endsWith('[]');
    const name = array ? segment.slice(0, -2) : segment;
    const found = children(current).find((c) => c.name === name);
    if (!found) throw new DocError(`no property ${segment} in root=${path}`);
    current = deref(found.schema);
    if (array) {
      if (current.type !== 'array' || !current.items) throw new DocError(`${name} is not an array`);
      current = deref(current.items);
    }
  }
  return current;
}

function renderRows(rows) {
  const header = ['Name', 'Type', 'Required', 'Default', 'Valid values', 'Description'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const cells = [
      code(row.name),
      row.type,
      row.required ? 'True' : 'False',
      row.default === undefined ? '' : code(json(row.default)),
      row.valid,
      prose(row.description),
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function parseOptions(text) {
  const options = { root: undefined, depth: DEFAULT_DEPTH, collapse: new Set() };
  for (const pair of text.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    if (key === 'root') options.root = value;
    else if (key === 'depth' && /^[1-9][0-9]*$/.test(value)) options.depth = Number(value);
    else if (key === 'collapse') for (const p of value.split(',')) options.collapse.add(p);
    else throw new DocError(`unknown marker option ${pair}`);
  }
  return options;
}

async function renderTable(file, optionText, docPath) {
  const options = parseOptions(optionText);
  let schema = schemaFile(file);
  let prefix = '';
  if (options.root) {
    schema = subtree(schema, options.root);
    prefix = `${options.root}.`;
  }
  const rows = [];
  rowsOf(schema, prefix, 0, options, rows);
  if (rows.length === 0) throw new DocError(`${file}: no properties to document`);
  const config = (await prettier.resolveConfig(docPath)) ?? {};
  return prettier.format(renderRows(rows), { ...config, parser: 'markdown' });
}

// ---------------------------------------------------------------------------------------------
// Docs

async function regenerate(docPath, text, used) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    out.push(line);
    const m = START.exec(line.trim());
    if (!m) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === END);
    const nextStart = lines.findIndex((l, j) => j > i && START.test(l.trim()));
    if (end === -1 || (nextStart !== -1 && nextStart < end)) {
      throw new DocError(`line ${i + 1}: ${line.trim()} has no ${END}`);
    }
    const file = m[1].includes('/') ? m[1] : `plugins/${m[1]}`;
    used.add(file.replace(/^plugins\//, ''));
    const table = await renderTable(m[1], m[2], docPath);
    out.push('', table.trimEnd(), '', lines[end]);
    i = end;
  }
  return out.join('\n');
}

function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}`;
  }
  return 'identical';
}

async function main() {
  const check = process.argv.includes('--check');
  loadAllSchemas();
  const docs = existsSync(docsDir)
    ? readdirSync(docsDir)
        .filter((f) => f.endsWith('.md'))
        .sort()
    : [];
  const stale = [];
  const errors = [];
  const used = new Set();
  for (const doc of docs) {
    const path = join(docsDir, doc);
    const rel = relative(repoDir, path);
    const current = readFileSync(path, 'utf8');
    let next;
    try {
      next = await regenerate(path, current, used);
    } catch (err) {
      if (!(err instanceof DocError)) throw err;
      errors.push(`  ${rel}: ${err.message}`);
      continue;
    }
    if (next === current) continue;
    if (check) {
      stale.push(`  ${rel}: ${firstDifference(current, next)}`);
    } else {
      writeFileSync(path, next);
      process.stdout.write(`wrote ${rel}\n`);
    }
  }
  const undocumented = readdirSync(join(schemasDir, 'plugins'))
    .filter((f) => f.endsWith('.json') && !used.has(f))
    .sort();
  for (const file of undocumented) {
    process.stderr.write(`note: schemas/plugins/${file} has no attributes table in docs/plugins\n`);
  }
  if (errors.length > 0) {
    process.stderr.write(`plugin docs have bad attribute markers:\n${errors.join('\n')}\n`);
    process.exit(1);
  }
  if (stale.length > 0) {
    process.stderr.write(
      'plugin docs are stale; run `pnpm gen:docs` and commit the result:\n' +
        `${stale.join('\n')}\n`,
    );
    process.exit(1);
  }
  if (check) process.stdout.write(`plugin docs are up to date (${docs.length} docs)\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? String(err)}\n`);
  process.exit(1);
});
