import { WORKER_SEMI_SPACE_MIB, workerExecArgv } from './worker-heap';

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
