/** Issue 15 item 2: `<dataDir>/tollgate.pid`, live and stale. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertNotRunning, pidFilePath, readPid, runningPid, writePidFile } from './pid-file';

let dir: string;
/** The pid of a process that has exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-pid-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('writes this pid and removes the file on release, only if it is still ours', () => {
  const release = writePidFile(path.join(dir, 'data'));
  const file = pidFilePath(path.join(dir, 'data'));
  expect(readPid(file)).toBe(process.pid);
  release();
  expect(fs.existsSync(file)).toBe(false);
  writePidFile(dir)();
  fs.writeFileSync(pidFilePath(dir), '1\n');
  const releaseAgain = writePidFile(dir);
  fs.writeFileSync(pidFilePath(dir), '1\n');
  releaseAgain();
  expect(readPid(pidFilePath(dir))).toBe(1);
});

it('counts only a live pid other than this process as running', () => {
  expect(runningPid(dir)).toBeUndefined();
  fs.writeFileSync(pidFilePath(dir), 'garbage\n');
  expect(runningPid(dir)).toBeUndefined();
  fs.writeFileSync(pidFilePath(dir), `${deadPid()}\n`);
  expect(runningPid(dir)).toBeUndefined();
  expect(() => assertNotRunning(dir)).not.toThrow();
  fs.writeFileSync(pidFilePath(dir), `${process.ppid}\n`);
  expect(runningPid(dir)).toBe(process.ppid);
  expect(() => assertNotRunning(dir)).toThrow(
    `tollgate is already running on ${dir} (pid ${process.ppid}, in ${pidFilePath(dir)})`,
  );
});
