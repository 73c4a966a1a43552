/**
 * @module load/pick-stats
 * What load-aware picks did, for the control API (issue 12): per LLM instance (health target
 * key `<owner>#<plugin>#<instance>`) its score at the latest pick that compared it, and how many
 * requests spilled to it past a higher priority group. Each worker keeps its own and reports
 * the instances that changed; the primary averages the workers' latest scores (as the
 * `tollgate_ai_instance_score` gauge does) and sums their spills, keeping those of exited workers
 * so counts never go back. Targets travel as array items, never as object keys.
 */
import type { PickNote } from '@tollgate/core';
import { MAX_LOAD_KEY_LENGTH, MAX_LOAD_KEYS } from './load-messages';

/** One instance in a report: `[target key, latest score or null, cumulative spills to it]`. */
export type PickEntry = [targetKey: string, score: number | null, spills: number];

/** Worker → primary: the instances whose score or spill count changed since the last report. */
export interface PickReport {
  t: 'pick-report';
  picks: PickEntry[];
}

/** One instance as the node reports it. */
export interface PickStat {
  targetKey: string;
  /** Average over the workers that scored it; absent when none did. */
  score?: number;
  /** Requests spilled to it, every worker (live or exited) together. */
  spills: number;
}

interface Own {
  score: number | null;
  spills: number;
}

const isEntry = (v: unknown): v is PickEntry =>
  Array.isArray(v) &&
  v.length === 3 &&
  typeof v[0] === 'string' &&
  v[0].length > 0 &&
  v[0].length <= MAX_LOAD_KEY_LENGTH &&
  (v[1] === null || (typeof v[1] === 'number' && Number.isFinite(v[1]))) &&
  typeof v[2] === 'number' &&
  Number.isSafeInteger(v[2]) &&
  v[2] >= 0;

export function isPickReport(msg: unknown): msg is PickReport {
  const m = msg as Partial<PickReport> | null;
  return (
    m?.t === 'pick-report' &&
    Array.isArray(m.picks) &&
    m.picks.length <= MAX_LOAD_KEYS &&
    m.picks.every(isEntry)
  );
}

/** A worker's picks since it started; `report` returns what changed since the last call. */
export class WorkerPickStats {
  private readonly own = new Map<string, Own>();
  private readonly changed = new Set<string>();

  note(pick: PickNote): void {
    for (const [name, score] of pick.scores ?? []) {
      const key = pick.targetKeys.get(name);
      const entry = key === undefined ? undefined : this.entryOf(key);
      if (key !== undefined && entry && entry.score !== score) {
        entry.score = score;
        this.changed.add(key);
      }
    }
    if (!pick.spilled) return;
    const key = pick.targetKeys.get(pick.chosen);
    const entry = key === undefined ? undefined : this.entryOf(key);
    if (key === undefined || !entry) return;
    entry.spills += 1;
    this.changed.add(key);
  }

  report(): PickReport | undefined {
    if (this.changed.size === 0) return undefined;
    const picks: PickEntry[] = [];
    for (const key of this.changed) {
      const entry = this.own.get(key);
      if (entry) picks.push([key, entry.score, entry.spills]);
    }
    this.changed.clear();
    return { t: 'pick-report', picks };
  }

  private entryOf(key: string): Own | undefined {
    let entry = this.own.get(key);
    if (!entry && this.own.size < MAX_LOAD_KEYS) {
      entry = { score: null, spills: 0 };
      this.own.set(key, entry);
    }
    return entry;
  }
}

/** The primary's view over its workers' pick reports. */
export class NodePickStats {
  private readonly workers = new Map<number, Map<string, Own>>();
  /** Spills of workers that exited, by target key. */
  private readonly exitedSpills = new Map<string, number>();

  apply(workerId: number, report: PickReport): void {
    let own = this.workers.get(workerId);
    if (!own) {
      own = new Map();
      this.workers.set(workerId, own);
    }
    for (const [key, score, spills] of report.picks) {
      if (own.has(key) || own.size < MAX_LOAD_KEYS) own.set(key, { score, spills });
    }
  }

  removeWorker(workerId: number): void {
    const own = this.workers.get(workerId);
    if (!own) return;
    this.workers.delete(workerId);
    for (const [key, { spills }] of own) {
      if (spills > 0 && (this.exitedSpills.has(key) || this.exitedSpills.size < MAX_LOAD_KEYS)) {
        this.exitedSpills.set(key, (this.exitedSpills.get(key) ?? 0) + spills);
      }
    }
  }

  /** Every instance some worker scored or spilled to, sorted by target key. */
  snapshot(): PickStat[] {
    const totals = new Map<string, { scores: number[]; spills: number }>();
    const totalOf = (key: string) => {
      let total = totals.get(key);
      if (!total) {
        total = { scores: [], spills: 0 };
        totals.set(key, total);
      }
      return total;
    };
    for (const [key, spills] of this.exitedSpills) totalOf(key).spills += spills;
    for (const own of this.workers.values()) {
      for (const [key, { score, spills }] of own) {
        const total = totalOf(key);
        if (score !== null) total.scores.push(score);
        total.spills += spills;
      }
    }
    return [...totals]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([targetKey, { scores, spills }]) => ({
        targetKey,
        ...(scores.length > 0 ? { score: scores.reduce((a, b) => a + b, 0) / scores.length } : {}),
        spills,
      }));
  }
}
