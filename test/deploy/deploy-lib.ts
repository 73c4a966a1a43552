/**
 * @module test/deploy/deploy-lib
 * Helpers of the static deployment checks (docs/deployment.md): the CLI's grammar read from its
 * help text, the listeners of a Tollgate config, a Dockerfile reader, and a renderer for the small
 * subset of Go templates the Helm chart uses. No test here; see *.test.ts beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

export const ROOT = path.join(__dirname, '..', '..');
export const DEPLOY = path.join(ROOT, 'deploy');
export const CHART = path.join(DEPLOY, 'helm', 'tollgate');

export type Obj = Record<string, unknown>;

export const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown, what: string): Obj => {
  if (!isObj(v)) throw new Error(`${what}: expected a mapping, got ${JSON.stringify(v)}`);
  return v;
};
export const arr = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list, got ${JSON.stringify(v)}`);
  return v;
};
export const get = (v: unknown, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>(
      (o, k) => (isObj(o) ? o[k] : Array.isArray(o) ? (o as unknown[])[Number(k)] : undefined),
      v,
    );

/** A scalar as text (a mapping or list is a shape error here). */
export const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
export const str = (v: unknown, fallback: string): string =>
  v === undefined || v === null ? fallback : (scalar(v) ?? JSON.stringify(v));

export function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'templates' ? [] : yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

// --- the CLI's verbs and options, from its help text ----------------------------------------

export function templateLiteral(source: string, name: string): string {
  const m = new RegExp(`const ${name} = \`([\\s\\S]*?)\`;`).exec(source);
  if (!m?.[1]) throw new Error(`${name} not found`);
  return m[1];
}

/** verb -> options it accepts, from USAGE of apps/cli/src/main.ts and MOCK_LLM_USAGE. */
export function cliGrammar(): Map<string, Set<string>> {
  const usage = templateLiteral(read('apps/cli/src/main.ts'), 'USAGE');
  const [commands = '', options = ''] = usage.split(/\nOptions:\n/);
  const common = new Set(options.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? []);
  const grammar = new Map<string, Set<string>>();
  let verb: string | undefined;
  for (const line of commands.split('\n')) {
    const head = /^ {2}([a-z][a-z-]*)\b/.exec(line);
    if (head?.[1]) {
      verb = head[1];
      grammar.set(verb, new Set(['-c', '--config', '-h', '--help']));
    }
    if (verb)
      for (const o of line.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? []) grammar.get(verb)?.add(o);
  }
  const mock = templateLiteral(read('apps/cli/src/commands/mock-llm.ts'), 'MOCK_LLM_USAGE');
  grammar.set('mock-llm', new Set([...(mock.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? []), '-h']));
  expect(common.has('--config')).toBe(true);
  return grammar;
}

export function checkTollgateArgs(
  args: unknown[],
  where: string,
  grammar: Map<string, Set<string>>,
): void {
  const words = args.map(String);
  const verb = words[0] ?? '';
  const allowed = grammar.get(verb);
  if (!allowed) throw new Error(`${where}: tollgate has no verb ${JSON.stringify(verb)}`);
  for (const w of words.slice(1)) {
    if (w.startsWith('-') && !allowed.has(w)) {
      throw new Error(`${where}: tollgate ${verb} has no option ${w}`);
    }
  }
}

// --- ports a Tollgate config listens on -----------------------------------------------------

export interface Listeners {
  http?: number;
  admin?: number;
  control?: { ip: string; port: number };
  metrics?: { ip: string; port: number };
}

/** `${{NAME}}` / `${{NAME:=default}}` in values, as the config loader resolves them. */
export function resolveEnv(v: unknown, env: Record<string, string>): unknown {
  if (typeof v === 'string') {
    const whole = /^\$\{\{(\w+)(?::=([^}]*))?\}\}$/.exec(v);
    const r = v.replace(
      /\$\{\{(\w+)(?::=([^}]*))?\}\}/g,
      (_m, n: string, d?: string) => env[n] ?? d ?? '',
    );
    return whole && /^\d+$/.test(r) ? Number(r) : r;
  }
  if (Array.isArray(v)) return v.map((x) => resolveEnv(x, env));
  if (isObj(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveEnv(x, env)]));
  return v;
}

/** The first port of apisix.node_listen: a number, or a list of numbers / {ip, port}. */
export function nodeListen(v: unknown): number {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return Number(isObj(first) ? first.port : (first ?? 9080));
}

export function listeners(config: unknown, roleOverride?: string): Listeners {
  const role =
    roleOverride ?? (get(config, 'deployment.role') as string | undefined) ?? 'traditional';
  const gateway = role !== 'control_plane';
  const out: Listeners = {};
  if (gateway) {
    out.http = nodeListen(get(config, 'apisix.node_listen'));
    if (get(config, 'apisix.enable_control') !== false) {
      out.control = {
        ip: str(get(config, 'apisix.control.ip'), '127.0.0.1'),
        port: Number(get(config, 'apisix.control.port') ?? 9090),
      };
    }
    out.metrics = {
      ip: str(get(config, 'plugin_attr.prometheus.export_addr.ip'), '127.0.0.1'),
      port: Number(get(config, 'plugin_attr.prometheus.export_addr.port') ?? 9091),
    };
  }
  if (role !== 'data_plane' && get(config, 'apisix.enable_admin') !== false) {
    out.admin = Number(get(config, 'deployment.admin.admin_listen.port') ?? 9180);
  }
  return out;
}

export const listenPorts = (l: Listeners): number[] =>
  [l.http, l.admin, l.control?.port, l.metrics?.port].filter((p): p is number => p !== undefined);

// --- Dockerfile -----------------------------------------------------------------------------

export interface Instruction {
  op: string;
  args: string;
  stage: number;
}

export function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  for (const line of logical) {
    const [op = '', ...rest] = line.split(/\s+/);
    const text = rest
      .join(' ')
      .replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a?: string, b?: string) => args.get(a ?? b ?? '') ?? m);
    if (op.toUpperCase() === 'ARG') {
      const [name = '', value] = text.split('=');
      if (value !== undefined) args.set(name, value);
    }
    if (op.toUpperCase() === 'FROM') stage += 1;
    out.push({ op: op.toUpperCase(), args: text, stage });
  }
  return out;
}

export function checkImageRef(image: string, where: string): void {
  const tag = /:([\w.-]+)$/.exec(image.replace(/@sha256:.*$/, ''))?.[1];
  if (!tag || /latest/.test(tag)) throw new Error(`${where}: image ${image} has no pinned tag`);
}

// --- Helm: a renderer for the subset the chart uses ----------------------------------------
// Actions: {{ .Path }}, {{ .Path | quote }}, {{ toYaml .Path | nindent N }} (and indent N),
// {{ if .Path }} / {{ else }} / {{ end }}, with {{- and -}} trimming. Anything else is an error,
// so a template that grows beyond the subset fails here instead of rendering wrongly.

export type Node =
  { text: string } | { value: string } | { cond: string; then: Node[]; else: Node[] };

export function tokenize(src: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  const re = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1]) text = text.replace(/\s+$/, '');
    out.push({ text }, { action: m[2] ?? '' });
    trimNext = m[3] === '-';
    last = re.lastIndex;
  }
  let tail = src.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  out.push({ text: tail });
  return out;
}

export function parseTemplate(src: string, file: string): Node[] {
  const root: Node[] = [];
  const stack: { cond: string; then: Node[]; else: Node[]; inElse: boolean }[] = [];
  const sink = (): Node[] => {
    const top = stack.at(-1);
    return top ? (top.inElse ? top.else : top.then) : root;
  };
  for (const t of tokenize(src)) {
    if ('text' in t) sink().push(t);
    else if (t.action.startsWith('if '))
      stack.push({ cond: t.action.slice(3), then: [], else: [], inElse: false });
    else if (t.action === 'else') {
      const top = stack.at(-1);
      if (!top) throw new Error(`${file}: else outside if`);
      top.inElse = true;
    } else if (t.action === 'end') {
      const top = stack.pop();
      if (!top) throw new Error(`${file}: end outside if`);
      sink().push({ cond: top.cond, then: top.then, else: top.else });
    } else if (t.action.startsWith('/*')) continue;
    else sink().push({ value: t.action });
  }
  if (stack.length) throw new Error(`${file}: if without end`);
  return root;
}

export function lookup(scope: Obj, ref: string): unknown {
  if (!/^(\.[A-Za-z_][\w]*)+$/.test(ref)) throw new Error(`unsupported template term ${ref}`);
  return ref
    .slice(1)
    .split('.')
    .reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), scope);
}

export const truthy = (v: unknown): boolean =>
  !(
    v === undefined ||
    v === null ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObj(v) && Object.keys(v).length === 0)
  );

export const toYaml = (v: unknown): string =>
  v === undefined || v === null
    ? 'null'
    : stringify(v, { sortMapEntries: true }).replace(/\n$/, '');

export function evalValue(expr: string, scope: Obj): string {
  const [head = '', ...pipes] = expr.split('|').map((s) => s.trim());
  let out: string;
  if (head.startsWith('toYaml ')) out = toYaml(lookup(scope, head.slice(7).trim()));
  else {
    const v = lookup(scope, head);
    if (v === undefined || isObj(v) || Array.isArray(v))
      throw new Error(`${head} is not a scalar value`);
    out = v === null ? '' : (scalar(v) ?? '');
  }
  for (const p of pipes) {
    const [fn, arg] = p.split(/\s+/);
    const pad = ' '.repeat(Number(arg));
    if (fn === 'quote') out = JSON.stringify(out);
    else if (fn === 'indent') out = out.replace(/^/gm, pad);
    else if (fn === 'nindent') out = '\n' + out.replace(/^/gm, pad);
    else throw new Error(`unsupported template function ${fn}`);
  }
  return out;
}

export function renderNodes(nodes: Node[], scope: Obj): string {
  return nodes
    .map((n) => {
      if ('text' in n) return n.text;
      if ('value' in n) return evalValue(n.value, scope);
      return renderNodes(truthy(lookup(scope, n.cond)) ? n.then : n.else, scope);
    })
    .join('');
}

/** helm's -f merge: maps merge, anything else replaces, null deletes. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = mergeValues(base[k], v);
  }
  return out;
}

export function renderChart(valuesFiles: string[]): Obj[] {
  const chart = obj(parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8')), 'Chart.yaml');
  const values = valuesFiles
    .map((f) => parse(fs.readFileSync(path.join(CHART, f), 'utf8')) as unknown)
    .reduce(mergeValues);
  const scope: Obj = {
    Values: values,
    Release: { Name: 'tollgate', Namespace: 'default' },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const dir = path.join(CHART, 'templates');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => {
      const text = renderNodes(parseTemplate(fs.readFileSync(path.join(dir, f), 'utf8'), f), scope);
      return parseAllDocuments(text).flatMap((d) => {
        if (d.errors.length) throw new Error(`templates/${f}: ${d.errors[0]?.message}`);
        const o = d.toJS() as unknown;
        return o === null ? [] : [obj(o, `templates/${f}`)];
      });
    });
}

export const RENDERS: { values: string[]; out: string }[] = [
  { values: ['values.yaml'], out: 'deploy/k8s/tollgate.yaml' },
  { values: ['values.yaml', 'values-standalone.yaml'], out: 'deploy/k8s/tollgate-standalone.yaml' },
];
