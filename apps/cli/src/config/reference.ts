/**
 * @module config/reference
 * Renders docs/configuration-reference.md from CONFIG_SCHEMA, the JSON Schema config.yaml is
 * checked against and the one source of every key's type, rules, default and description. Run by
 * docs/tools/gen-config-reference.ts; reference.test.ts fails when the committed file differs
 * from the output or a key Tollgate reads has no description.
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
  description?: string;
  default?: unknown;
  'x-default-text'?: string;
};

/** One key of config.yaml: its path (`[]` for array items), type, constraints and meaning. */
export interface ReferenceRow {
  key: string;
  type: string;
  rules: string;
  /** Markdown: the schema's `x-default-text`, else its `default` as code; `''` when none. */
  default: string;
  /** Markdown: the schema's `description`; `''` when none. */
  description: string;
}

/** Text of a value in a table cell: JSON, with `|` escaped. */
function code(value: unknown): string {
  return `\`${JSON.stringify(value).replace(/\|/g, '\\|')}\``;
}

function defaultOf(node: Node): string {
  if (node['x-default-text'] !== undefined) return cell(node['x-default-text']);
  return node.default === undefined ? '' : code(node.default);
}

/** A description as one table cell: on one line, `|` escaped. */
function cell(text: string | undefined): string {
  return (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/(?<!\\)\|/g, '\\|');
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
  const row = (key: string, node: Node, type: string, rules: string): ReferenceRow => ({
    key,
    type,
    rules,
    default: defaultOf(node),
    description: cell(node.description),
  });
  const walk = (node: Node, key: string): void => {
    if (node.properties && key !== '' && node.additionalProperties === undefined) {
      if (node.required) rows.push(row(key, node, 'object', rulesOf(node)));
    } else if (key !== '') {
      rows.push(row(key, node, typeOf(node), rulesOf(node)));
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      walk(child, key === '' ? name : `${key}.${name}`);
    }
    const map = node.additionalProperties;
    if (typeof map === 'object') rows.push(row(`${key}.<name>`, map, typeOf(map), ''));
    const items = node.items;
    if (items?.properties) {
      const { properties, required, description } = items;
      walk({ properties, required, description }, `${key}[]`);
    }
  };
  walk(schema, '');
  return rows;
}

/** A markdown table with its columns padded as prettier pads them, so the file stays as written. */
function alignTable(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(3, ...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** The whole reference page, formatted as prettier leaves it. */
export function renderConfigReference(schema: Node = CONFIG_SCHEMA): string {
  const supported = new Set<string>(SUPPORTED_KEYS);
  const lines = [
    '<!-- Generated by `pnpm exec tsx docs/tools/gen-config-reference.ts` from',
    'apps/cli/src/config/schema.ts. Do not edit: change the schema and run it. -->',
    '',
    '# Configuration reference',
    '',
    'Every config.yaml key Tollgate reads, generated from `CONFIG_SCHEMA`',
    '(`apps/cli/src/config/schema.ts`), the JSON Schema `tollgate start` and `tollgate test` check',
    'the file against: type, rules, default and meaning all come from the schema. A default of',
    '`none` means the key has no value unless set. A key marked † is checked but not read (the keys',
    'Tollgate acts on are `SUPPORTED_KEYS` in the same file); keys the schema does not name are',
    'accepted and logged as unsupported. [configuration.md](configuration.md) says how the file is',
    'found and read.',
    '',
  ];
  const table: string[][] = [['key', 'type', 'rules', 'default', 'meaning']];
  for (const row of referenceRows(schema)) {
    const read =
      supported.has(row.key) ||
      [...supported].some(
        (k) =>
          k.startsWith(`${row.key}.`) ||
          row.key.startsWith(`${k}.`) ||
          row.key.startsWith(`${k}[]`),
      ) ||
      row.key === 'plugin_attr.<name>';
    table.push([
      `\`${row.key}\`${read ? '' : ' †'}`,
      row.type,
      row.rules || '—',
      row.default || 'none',
      row.description || '—',
    ]);
  }
  return `${[...lines, ...alignTable(table)].join('\n')}\n`;
}
