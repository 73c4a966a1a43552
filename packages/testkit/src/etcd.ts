/**
 * @module etcd
 * Real etcd servers (Debian's etcd-server) on loopback ports of their own, with their data in
 * temporary directories, for integration tests that stop, restart, kill or compact them: a single
 * member (`startEtcd`), or a cluster of members (`startEtcdCluster`) whose leader a test can find
 * and kill.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess } from './process';
import { freePort, sleep } from './ports';

export interface EtcdServer {
  /** Client URL, e.g. `http://127.0.0.1:23791`. */
  readonly endpoint: string;
  readonly process: ManagedProcess;
  /** Stop and remove the data directory. */
  destroy(): Promise<void>;
}

/** One member of an {@link EtcdCluster}. */
export interface EtcdMember extends EtcdServer {
  readonly name: string;
}

/** A multi-member etcd cluster on loopback. */
export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** Client URLs of every member, in member order. */
  readonly endpoints: string[];
  /** The member that is leader now, as the members that answer say (waits for an election). */
  leader(timeoutMs?: number): Promise<EtcdMember>;
  /** Stop every member and remove the data directories. */
  destroy(): Promise<void>;
}

const BINARY = () => process.env.TOLLGATE_ETCD_BIN ?? 'etcd';

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

async function untilHealthy(endpoint: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await healthy(endpoint))) {
    if (Date.now() > deadline) throw new Error(`etcd at ${endpoint} not healthy after 20 s`);
    await sleep(100);
  }
}

interface MemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
}

const clientUrl = (m: MemberSpec) => `http://127.0.0.1:${m.clientPort}`;
const peerUrl = (m: MemberSpec) => `http://127.0.0.1:${m.peerPort}`;

async function memberSpec(name: string): Promise<MemberSpec> {
  return {
    name,
    clientPort: await freePort(),
    peerPort: await freePort(),
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-etcd-')),
  };
}

/** A member process; `initialCluster` lists every member (`name=peerUrl,...`). */
function memberProcess(spec: MemberSpec, initialCluster: string, token: string): EtcdMember {
  const endpoint = clientUrl(spec);
  const proc = new ManagedProcess({
    command: BINARY(),
    args: [
      '--name',
      spec.name,
      '--data-dir',
      spec.dataDir,
      '--listen-client-urls',
      endpoint,
      '--advertise-client-urls',
      endpoint,
      '--listen-peer-urls',
      peerUrl(spec),
      '--initial-advertise-peer-urls',
      peerUrl(spec),
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-token',
      token,
      '--log-level',
      'error',
    ],
    env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' },
    ready: () => untilHealthy(endpoint),
  });
  return {
    name: spec.name,
    endpoint,
    process: proc,
    async destroy() {
      await proc.stop();
      fs.rmSync(spec.dataDir, { recursive: true, force: true });
    },
  };
}

/** Start a single-member etcd on free loopback ports. */
export async function startEtcd(): Promise<EtcdServer> {
  const spec = await memberSpec('tollgate-test');
  const member = memberProcess(
    spec,
    `${spec.name}=${peerUrl(spec)}`,
    `tollgate-${spec.clientPort}`,
  );
  await member.process.start();
  return member;
}

interface MaintenanceStatus {
  header?: { member_id?: string };
  leader?: string;
}

/** The leader's member id as `endpoint` sees it, or undefined if it has none or is down. */
async function leaderSeenBy(
  endpoint: string,
): Promise<{ self: string; leader: string } | undefined> {
  try {
    const res = await fetch(`${endpoint}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(1000),
    });
    if (!res.ok) return undefined;
    const status = (await res.json()) as MaintenanceStatus;
    const self = status.header?.member_id;
    const leader = status.leader;
    return self && leader && leader !== '0' ? { self, leader } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start a `size`-member etcd cluster on free loopback ports (each member with its own client
 * port, peer port and data directory). Resolves when every member is healthy (has a leader).
 * Kill or restart a member through its `process`; a restarted member keeps its data and rejoins.
 *
 * @example
 * const cluster = await startEtcdCluster(3);
 * const leader = await cluster.leader();
 * await leader.process.kill();
 */
export async function startEtcdCluster(size = 3): Promise<EtcdCluster> {
  const specs: MemberSpec[] = [];
  for (let i = 0; i < size; i++) specs.push(await memberSpec(`tollgate-${i}`));
  const initialCluster = specs.map((s) => `${s.name}=${peerUrl(s)}`).join(',');
  const token = `tollgate-cluster-${specs[0]?.clientPort ?? 0}`;
  const members = specs.map((s) => memberProcess(s, initialCluster, token));
  const destroy = async () => {
    await Promise.all(members.map((m) => m.destroy()));
  };
  // Members become healthy only once a quorum is up, so they start together.
  await Promise.all(members.map((m) => m.process.start())).catch(async (err: unknown) => {
    await destroy();
    throw err;
  });
  return {
    members,
    endpoints: members.map((m) => m.endpoint),
    async leader(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const running = members.filter((m) => m.process.running);
        const views = await Promise.all(running.map((m) => leaderSeenBy(m.endpoint)));
        const leaderId = views.find((v) => v !== undefined)?.leader;
        const index = views.findIndex((v) => v?.self === leaderId);
        const leader = index >= 0 ? running[index] : undefined;
        if (leader) return leader;
        if (Date.now() > deadline) throw new Error(`no etcd leader after ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    destroy,
  };
}
