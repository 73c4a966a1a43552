/**
 * The peers benchmark's output: one row per target (numbers formatted for reading), the same
 * table as markdown with the machine it ran on, written under bench/results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { coreCount, type Machine } from './machine';
import {
  otherCores,
  perRequest,
  primaryPerRequest,
  primaryWakeupsPerThousand,
  type AddedKind,
  type Measured,
  type Outcome,
} from './measure';

export type Row = Record<string, string>;

export const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
export const thousands = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';

const COLUMNS = [
  'target',
  'cores',
  'rps @64',
  'rps @256',
  'p99 @256 ms',
  'added p50 @1 ms',
  'stream added p50 ms',
  'quiet added p50 ms',
  'CPU µs/req',
  'CPU ×bare',
  'long stream CPU µs/req',
  'long stream ×bare',
  'primary cores busy @256',
  'primary µs/req',
  'primary wake-ups /1k req',
  "others' cores",
  'errors',
] as const;

/** One row per outcome; CPU ratios against `bare`'s row. */
export function tableRows(outcomes: readonly Outcome[], bare: string): Row[] {
  const bareRun = outcomes.find((o) => o.name === bare)?.measured;
  const bareCpu = bareRun ? perRequest(bareRun, (s) => s.targetMicros) : NaN;
  const bareLong = bareRun ? longStreamMicros(bareRun) : NaN;
  return outcomes.map((o) => {
    const row: Row = Object.fromEntries(COLUMNS.map((c) => [c, '-']));
    row.target = o.name;
    row.cores = `${o.cores} (${coreCount(o.cores)})`;
    const x = o.measured;
    if (!x) {
      row.errors = `not measured: ${o.error ?? 'unknown'}`;
      return row;
    }
    const at = (c: number) => x.steps.find((s) => s.blast.connections === c);
    const most = at(256);
    const cpu = perRequest(x, (s) => s.targetMicros);
    row['rps @64'] = thousands(at(64)?.blast.rps ?? NaN);
    row['rps @256'] = thousands(most?.blast.rps ?? NaN);
    row['p99 @256 ms'] = fixed(o.p99Median ?? most?.blast.p99Ms ?? NaN, 0);
    const added = (kind: AddedKind) => fixed(o.addedMedians?.[kind] ?? x[kind].addedMs, 2);
    row['added p50 @1 ms'] = added('plain');
    row['stream added p50 ms'] = added('streamed');
    row['quiet added p50 ms'] = added('quiet');
    row['CPU µs/req'] = fixed(cpu, 0);
    row['CPU ×bare'] = fixed(o.bareRatio ?? cpu / bareCpu, 2);
    const long = longStreamMicros(x);
    row['long stream CPU µs/req'] = fixed(long, 0);
    row['long stream ×bare'] = fixed(long / bareLong, 2);
    if (o.workers !== undefined && most) {
      row['primary cores busy @256'] = fixed(most.primaryMicros / 1e6 / most.wallSeconds, 3);
      row['primary µs/req'] = fixed(o.primaryMedian ?? primaryPerRequest(x), 1);
      row['primary wake-ups /1k req'] = fixed(
        o.primaryWakeupsMedian ?? primaryWakeupsPerThousand(x),
        1,
      );
    }
    const loads = [...x.steps, x.longStream];
    row["others' cores"] = fixed(Math.max(...loads.map(otherCores)), 2);
    row.errors = String(loads.reduce((sum, s) => sum + s.blast.failed, 0));
    return row;
  });
}

/** CPU µs per answer of the long-stream step. */
function longStreamMicros(x: Measured): number {
  return x.longStream.targetMicros / x.longStream.blast.completed;
}

export function markdownTable(rows: readonly Row[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const esc = (v: string) => v.replace(/\|/g, '\\|');
  return [
    `| ${cols.map(esc).join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => esc(r[c] ?? '')).join(' | ')} |`),
  ].join('\n');
}

/** What sets a run apart from the default one: in its title, and its file name's suffix. */
export interface Variant {
  label: string;
  /** Lower-case letters, digits and dashes. */
  slug: string;
}

export interface Report {
  machine: Machine;
  /** Absent for the default run. */
  variant?: Variant;
  layout: string;
  settings: string;
  rows: readonly Row[];
  checks: readonly string[];
  notes: readonly string[];
}

/**
 * Writes bench/results/peers-<date>-<nproc>core[-<variant>][-<n>].md, formatted by the
 * repository's prettier settings (so `pnpm run format` passes on the committed file); returns its
 * path. An earlier run's file (one the docs may cite) is never overwritten: a later run of the
 * same day and kind gets the next free `-<n>`.
 */
export async function writeReport(report: Report, date = new Date()): Promise<string> {
  const day = date.toISOString().slice(0, 10);
  const stem = path.resolve(
    __dirname,
    '..',
    'results',
    `peers-${day}-${report.machine.nproc}core${report.variant ? `-${report.variant.slug}` : ''}`,
  );
  let file = `${stem}.md`;
  for (let n = 2; fs.existsSync(file); n++) file = `${stem}-${n}.md`;
  const m = report.machine;
  const built =
    m.uncommitted.length === 0
      ? m.commit
      : `${m.commit} plus uncommitted changes to ${m.uncommitted.join(', ')}`;
  const text = [
    `# pnpm bench peers, ${day}, ${m.nproc} cores${report.variant ? `, ${report.variant.label}` : ''}`,
    '',
    `- machine: ${m.nproc} cores (nproc), ${m.cpuModel}`,
    `- node ${m.node}; Tollgate built from ${built}`,
    `- pinning: ${report.layout}`,
    `- ${report.settings}`,
    '',
    markdownTable(report.rows),
    '',
    ...report.checks.map((c) => `- ${c}`),
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  const config = await prettier.resolveConfig(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await prettier.format(text, { ...config, filepath: file }));
  return file;
}
