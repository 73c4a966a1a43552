import { NodePickStats, WorkerPickStats, isPickReport, type PickReport } from './pick-stats';

const GPU_A = 'routes/1#ai-proxy-multi#gpu-a';
const GPU_B = 'routes/1#ai-proxy-multi#gpu-b';
const CLOUD = 'routes/1#ai-proxy-multi#cloud';

function reportOf(stats: WorkerPickStats): PickReport {
  const report = stats.report();
  if (!report) throw new Error('expected a report');
  return report;
}

describe('WorkerPickStats', () => {
  const targetKeys = new Map([
    ['gpu-a', GPU_A],
    ['gpu-b', GPU_B],
    ['cloud', CLOUD],
  ]);

  it('reports the latest scores and cumulative spills of the instances that changed', () => {
    const stats = new WorkerPickStats();
    expect(stats.report()).toBeUndefined();
    const scored = (a: number, b: number) => ({
      targetKeys,
      chosen: 'gpu-a',
      scores: new Map([
        ['gpu-a', a],
        ['gpu-b', b],
      ]),
      spilled: false,
    });
    stats.note(scored(0.9, 0.2));
    stats.note(scored(0.7, 0.2));
    expect(reportOf(stats).picks).toEqual([
      [GPU_A, 0.7, 0],
      [GPU_B, 0.2, 0],
    ]);
    // Nothing changed since: nothing to send.
    expect(stats.report()).toBeUndefined();
    stats.note({ targetKeys, chosen: 'cloud', spilled: true });
    stats.note({ targetKeys, chosen: 'cloud', spilled: true });
    expect(reportOf(stats).picks).toEqual([[CLOUD, null, 2]]);
  });

  it('ignores names the configuration does not have', () => {
    const stats = new WorkerPickStats();
    stats.note({ targetKeys, chosen: 'gone', scores: new Map([['gone', 1]]), spilled: true });
    expect(stats.report()).toBeUndefined();
  });
});

describe('NodePickStats', () => {
  it('averages the workers latest scores and sums their spills, keeping those of exited workers', () => {
    const node = new NodePickStats();
    node.apply(1, {
      t: 'pick-report',
      picks: [
        [GPU_A, 0.8, 0],
        [CLOUD, null, 3],
      ],
    });
    node.apply(2, {
      t: 'pick-report',
      picks: [
        [GPU_A, 0.4, 0],
        [CLOUD, null, 1],
      ],
    });
    expect(node.snapshot()).toEqual([
      { targetKey: CLOUD, spills: 4 },
      { targetKey: GPU_A, score: expect.closeTo(0.6, 10) as number, spills: 0 },
    ]);
    // A later report replaces that worker's values for the instances it names.
    node.apply(2, { t: 'pick-report', picks: [[GPU_A, 0.2, 0]] });
    expect(node.snapshot().find((s) => s.targetKey === GPU_A)?.score).toBeCloseTo(0.5);
    // Worker 1 exits: its spills stay counted, its score no longer averaged in.
    node.removeWorker(1);
    expect(node.snapshot()).toEqual([
      { targetKey: CLOUD, spills: 4 },
      { targetKey: GPU_A, score: 0.2, spills: 0 },
    ]);
  });
});

describe('isPickReport', () => {
  it('accepts well-formed reports only', () => {
    expect(
      isPickReport({
        t: 'pick-report',
        picks: [
          [GPU_A, 0.5, 1],
          [CLOUD, null, 0],
        ],
      }),
    ).toBe(true);
    for (const bad of [
      null,
      { t: 'pick-report' },
      { t: 'pick-report', picks: [[GPU_A, 0.5]] },
      { t: 'pick-report', picks: [['', 0.5, 1]] },
      { t: 'pick-report', picks: [[GPU_A, Number.NaN, 1]] },
      { t: 'pick-report', picks: [[GPU_A, 0.5, -1]] },
      { t: 'pick-report', picks: [[GPU_A, 0.5, 1.5]] },
      { t: 'pick-report', picks: [['x'.repeat(5000), 0.5, 1]] },
      { t: 'pick-report', picks: Array.from({ length: 5000 }, () => [GPU_A, 0.5, 1]) },
    ]) {
      expect(isPickReport(bad)).toBe(false);
    }
  });
});
