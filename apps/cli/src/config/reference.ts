/**
 * @module config/reference
 * Renders docs/configuration-reference.md from CONFIG_SCHEMA, the JSON Schema config.yaml is
 * checked against. The schema carries no defaults or descriptions, so those two columns come from
 * the "Supported keys" table of docs/configuration.md, matched by key path; a key the table does
 * not describe says so. Run by docs/tools/gen-config-reference.ts; reference.test.ts fails when
 * the committed file differs from the output.
 */

import { CONFIG_SCHEMA, SUPPORTED_KEYS } from './schema';

type Node = {
  type?: string | readonly string[];
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly Node[];
  properties?: Readonly<Record<string, Node>>;
  additionalProperties?: Node | boolean;
  items?: Node;
  required?: readonly string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
  pattern?: string;
};

/** One key of config.yaml: its path (`[]` for array items), type and constraints. */
export interface ReferenceRow {
  key: string;
  type: string;
  rules: string;
}

/** Text of a value in a table cell: JSON, with `|` escaped. */
function code(value: unknown): string {
  return `\`${JSON.stringify(value).replace(/\|/g, '\\|')}\``;
}

function typeOf(node: Node): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.const !== undefined) return code(node.const);
  if (node.enum)
    return [...new Set(node.enum.map((v) => (v === null ? 'null' : typeof v)))].join(' or ');
  const types = node.type === undefined ? [] : [node.type].flat();
  if (types.includes('array') && node.items) return `array of ${typeOf(node.items)}`;
  if (types.includes('object') && node.properties) {
    return `object {${Object.keys(node.properties).join(', ')}}`;
  }
  return types.length > 0 ? types.join(' or ') : 'any';
}

function rulesOf(node: Node): string {
  const rules: string[] = [];
  if (node.enum) rules.push(`one of ${node.enum.map(code).join(', ')}`);
  if (node.minimum !== undefined) rules.push(`≥ ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) rules.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) rules.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined) rules.push(`length ≥ ${node.minLength}`);
  if (node.maxLength !== undefined) rules.push(`length ≤ ${node.maxLength}`);
  if (node.minItems !== undefined) rules.push(`at least ${node.minItems} item(s)`);
  if (node.uniqueItems) rules.push('no duplicates');
  if (node.pattern !== undefined) rules.push(`matches ${code(node.pattern)}`);
  if (node.required) rules.push(`requires ${node.required.map((k) => `\`${k}\``).join(', ')}`);
  for (const alternative of node.anyOf ?? []) {
    const inner = rulesOf(alternative);
    if (inner) rules.push(`${typeOf(alternative)}: ${inner}`);
  }
  if (node.type === 'array' && node.items && !node.items.properties) {
    const inner = rulesOf(node.items);
    if (inner) rules.push(`items: ${inner}`);
  }
  return rules.join('; ');
}

/**
 * Every key in schema order. An object with `properties` is walked, not listed; an array of such
 * objects is listed and its items walked as `key[].name`; a map of objects is `key.<name>`.
 */
export function referenceRows(schema: Node = CONFIG_SCHEMA): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const walk = (node: Node, key: string): void => {
    if (node.properties && key !== '' && node.additionalProperties === undefined) {
      if (node.required) rows.push({ key, type: 'object', rules: rulesOf(node) });
    } else if (key !== '') {
      rows.push({ key, type: typeOf(node), rules: rulesOf(node) });
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      walk(child, key === '' ? name : `${key}.${name}`);
    }
    if (typeof node.additionalProperties === 'object') {
      rows.push({ key: `${key}.<name>`, type: typeOf(node.additionalProperties), rules: '' });
    }
    const items = node.items;
    if (items?.properties)
      walk({ properties: items.properties, required: items.required }, `${key}[]`);
  };
  walk(schema, '');
  return rows;
}

/** Default and meaning of a key, from the `| key | default | meaning |` rows of a markdown table. */
export interface KeyDescription {
  pattern: RegExp;
  defaultValue: string;
  meaning: string;
}

/**
 * The rows of docs/configuration.md's "Supported keys" table. A key cell may name siblings
 * (`` `a.ip` / `.port` ``), a placeholder segment (`role_<role>`) or array items (`key[]`).
 */
export function keyDescriptions(markdown: string): KeyDescription[] {
  const section = markdown.split(/^## Supported keys$/m)[1]?.split(/^## /m)[0] ?? '';
  const out: KeyDescription[] = [];
  for (const line of section.split('\n')) {
    const cells = line
      .match(/^\|(.*)\|$/)?.[1]
      ?.split(/(?<!\\)\|/)
      .map((c) => c.trim());
    if (!cells || cells.length !== 3) continue;
    const [keyCell = '', defaultValue = '', meaning = ''] = cells;
    const names = [...keyCell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    const first = names[0];
    if (first === undefined) continue;
    const paths = names.map((n) => (n.startsWith('.') ? first.replace(/\.[^.]+$/, n) : n));
    for (const p of paths) {
      const source = p
        .replace(/\[\]$/, '')
        .split(/(<[^>]+>)/)
        .map((part) =>
          /^<.+>$/.test(part) ? '[^.]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      // Links to the page's own sections point back at configuration.md from the reference.
      const linked = meaning.replace(/\]\(#/g, '](configuration.md#');
      out.push({ pattern: new RegExp(`^${source}(\\[\\])?$`), defaultValue, meaning: linked });
    }
  }
  return out;
}

/** A markdown table with its columns padded as prettier pads them, so the file stays as written. */
function alignTable(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(3, ...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/**
 * The whole reference page, formatted as prettier leaves it. `configurationMd` is the text of
 * docs/configuration.md.
 */
export function renderConfigReference(configurationMd: string): string {
  const descriptions = keyDescriptions(configurationMd);
  const supported = new Set<string>(SUPPORTED_KEYS);
  const lines = [
    '<!-- Generated by `pnpm exec tsx docs/tools/gen-config-reference.ts` from',
    'apps/cli/src/config/schema.ts and configuration.md. Do not edit. -->',
    '',
    '# Configuration reference',
    '',
    'Every config.yaml key Tollgate reads, generated from `CONFIG_SCHEMA`',
    '(`apps/cli/src/config/schema.ts`), the JSON Schema `tollgate start` and `tollgate test` check',
    'the file against. Type and rules come from the schema. The schema has no defaults or',
    'descriptions: those two columns are the "Supported keys" table of',
    '[configuration.md](configuration.md#supported-keys), matched by key path (`—`: not described',
    'there). A key marked † is checked but not read (the keys Tollgate acts on are `SUPPORTED_KEYS`',
    'in the same file); keys the schema does not name are accepted and logged as unsupported.',
    '',
  ];
  const table: string[][] = [['key', 'type', 'rules', 'default', 'meaning']];
  for (const row of referenceRows()) {
    const found = descriptions.find((d) => d.pattern.test(row.key));
    const read =
      supported.has(row.key) ||
      [...supported].some(
        (k) =>
          k.startsWith(`${row.key}.`) ||
          row.key.startsWith(`${k}.`) ||
          row.key.startsWith(`${k}[]`),
      ) ||
      row.key === 'plugin_attr.<name>';
    const cells = [
      `\`${row.key}\`${read ? '' : ' †'}`,
      row.type,
      row.rules || '—',
      found?.defaultValue ?? '—',
      found?.meaning ?? '—',
    ];
    table.push(cells);
  }
  return `${[...lines, ...alignTable(table)].join('\n')}\n`;
}
