import cluster from 'node:cluster';
import { WORKER_SEMI_SPACE_MIB, schedulingPolicy, workerExecArgv } from './worker-setup';

describe("a worker's V8 flags", () => {
  it("add a larger young generation to the primary's own arguments", () => {
    expect(workerExecArgv(['--enable-source-maps'], '')).toEqual([
      '--enable-source-maps',
      `--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`,
    ]);
  });

  it("keep an operator's own semi-space size, from node's arguments or NODE_OPTIONS", () => {
    expect(workerExecArgv(['--max-semi-space-size=8'], '')).toEqual(['--max-semi-space-size=8']);
    expect(workerExecArgv([], '--trace-warnings --max_semi_space_size=128')).toEqual([]);
  });
});

describe('who accepts connections', () => {
  it("the workers, unless NODE_CLUSTER_SCHED_POLICY asks for the primary's round robin", () => {
    expect(schedulingPolicy(undefined)).toBe(cluster.SCHED_NONE);
    expect(schedulingPolicy('none')).toBe(cluster.SCHED_NONE);
    expect(schedulingPolicy('rr')).toBe(cluster.SCHED_RR);
  });
});
