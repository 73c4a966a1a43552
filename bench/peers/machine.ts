/**
 * Where the peers benchmark runs: which cores the target, the mock upstream and the load generator
 * get (taskset lists), what machine it is (for the results file), and the loopback check that
 * reads every TCP connection on the benchmark's ports from /proc/net/tcp and /proc/net/tcp6.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface Layout {
  /** Cores for a target with `workers` worker processes (0 for a single-process target). */
  targetCores(workers: number): string;
  mockCores: string;
  loadgenCores: string;
  /** Processes of the mock upstream (node:cluster). */
  mockProcesses: number;
  /** autocannon worker threads; 0 runs it on this process's main thread. */
  loadgenThreads: number;
  /** Whether the mock and the load generator share their cores. */
  shared: boolean;
  /** One line that says where everything runs. */
  describe: string;
}

const range = (from: number, count: number) =>
  count <= 1 ? String(from) : `${from}-${from + count - 1}`;

/**
 * Targets take cores from 0 up (a Tollgate node with W workers gets W + 1: one per worker and one
 * for the primary, as far as there are cores); the mock and the load generator take the highest
 * cores. Below 4 cores the target gets core 0 and the mock and load generator share the rest.
 */
export function layout(nproc: number, maxWorkers: number, mockOverride?: number): Layout {
  if (nproc < 4) {
    const rest = nproc < 2 ? '0' : range(1, nproc - 1);
    const mockProcesses = mockOverride ?? 1;
    return {
      targetCores: () => '0',
      mockCores: rest,
      loadgenCores: rest,
      mockProcesses,
      loadgenThreads: 0,
      shared: true,
      describe:
        nproc < 2
          ? 'one core: target, mock and load generator all on core 0 (nothing is pinned apart)'
          : `${nproc} cores: every target on core 0 (all its processes, whatever its worker count); ` +
            `mock upstream (${mockProcesses} process${mockProcesses > 1 ? 'es' : ''}) and load generator share core${nproc > 2 ? 's' : ''} ${rest}`,
    };
  }
  const mockCount = nproc >= 16 ? 4 : Math.max(1, Math.floor(nproc / 4));
  const loadgenCount = nproc >= 16 ? 3 : Math.max(1, Math.floor(nproc / 4));
  const targetCount = nproc - mockCount - loadgenCount;
  const mockProcesses = mockOverride ?? mockCount;
  const mockCores = range(targetCount, mockCount);
  const loadgenCores = range(targetCount + mockCount, loadgenCount);
  return {
    targetCores: (workers) => range(0, Math.min(targetCount, workers + 1)),
    mockCores,
    loadgenCores,
    mockProcesses,
    loadgenThreads: loadgenCount > 1 ? loadgenCount : 0,
    shared: false,
    describe:
      `${nproc} cores: targets on 0-${targetCount - 1} (bare and Portkey on core 0, Tollgate with W workers on ` +
      `0..W, up to ${Math.min(targetCount, maxWorkers + 1)} cores), mock upstream (${mockProcesses} process${mockProcesses > 1 ? 'es' : ''}) ` +
      `on ${mockCores}, load generator (${loadgenCount > 1 ? `${loadgenCount} threads` : '1 thread'}) on ${loadgenCores}`,
  };
}

/** The number of cores a taskset list names (`0`, `1-3`, `0,2`). */
export function coreCount(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined || a === undefined ? 1 : b - a + 1;
  }
  return n;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  commit: string;
  /** Files under packages/ and apps/ that differ from the commit (they were built and measured). */
  uncommitted: string[];
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

export function machine(): Machine {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    nproc: os.availableParallelism(),
    cpuModel: model.trim(),
    node: process.version,
    commit: git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown',
    uncommitted: git(['status', '--porcelain', '--', 'packages', 'apps'])
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.slice(3)),
  };
}

/** Throws unless `url` names 127.0.0.1 over plain HTTP: every socket of the benchmark is local. */
export function assertLoopback(url: string): string {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' || hostname !== '127.0.0.1') {
    throw new Error(`not a loopback URL: ${url} (the benchmark only talks to 127.0.0.1)`);
  }
  return url;
}

const LISTEN = '0A';
const LOOPBACK_V4 = '0100007F';
const LOOPBACK_V6 = new Set([
  '00000000000000000000000001000000', // ::1
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1
]);

export interface SocketCheck {
  connections: number;
  /** Connections on the ports whose local or remote address is not loopback. */
  foreign: string[];
}

/**
 * Every TCP connection (not listening sockets) whose local or remote port is one of `ports`, from
 * /proc/net/tcp and /proc/net/tcp6; `foreign` lists those with an end that is not loopback.
 */
export function socketsOn(ports: readonly number[]): SocketCheck {
  const wanted = new Set(ports);
  const out: SocketCheck = { connections: 0, foreign: [] };
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, remote, state] = [cols[1], cols[2], cols[3]];
      if (!local || !remote || state === undefined || state === LISTEN) continue;
      const [localAddr = '', localPort = ''] = local.split(':');
      const [remoteAddr = '', remotePort = ''] = remote.split(':');
      if (!wanted.has(parseInt(localPort, 16)) && !wanted.has(parseInt(remotePort, 16))) continue;
      out.connections++;
      const loop = (addr: string) => addr === LOOPBACK_V4 || LOOPBACK_V6.has(addr);
      if (!loop(localAddr) || !loop(remoteAddr)) out.foreign.push(`${file}: ${local} -> ${remote}`);
    }
  }
  return out;
}

/**
 * How many times the main thread of `pid` went to sleep with nothing to do so far (voluntary
 * context switches, /proc/<pid>/task/<pid>/status); 0 once it exited. A Node process sleeps in
 * epoll between turns of its event loop, so over a load step the difference counts the times
 * something woke it: for a Tollgate primary, the workers' messages (a burst of them read in one
 * turn counts once). Unlike CPU time it hardly depends on how fast or how loaded the machine is.
 */
export function wakeups(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
    return Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;
const PF_KTHREAD = 0x00200000;

/** Kernel softirq time of the whole machine so far, in µs (/proc/stat). */
export function softirqMicros(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq ...
  return Number(line.trim().split(/\s+/)[7] ?? 0) * (1e6 / CLOCK_TICKS_PER_SECOND);
}

/**
 * CPU time so far, in µs, of every user-space process except `ours`, children that have exited
 * included (utime + stime + cutime + cstime): the difference of two readings is what other
 * programs took in between, also those that started and ended in between (their time is in their
 * parent's cutime once reaped).
 */
export function othersMicros(ours: ReadonlySet<number>): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || ours.has(Number(entry))) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // After the command name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime.
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    if (((f[6] ?? 0) & PF_KTHREAD) !== 0) continue;
    ticks += (f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0);
  }
  return (ticks * 1e6) / CLOCK_TICKS_PER_SECOND;
}
