/**
 * @module control/source
 * What the control API reads from its node. The gateway's primary implements it (see
 * `./node-source` for the adapter over `GatewayNode`); tests give a fake.
 */
import type { TargetStatus } from '../health/probe-loop';
import type { InstanceLoadSnapshot } from '../load/load-metrics';

/** Identity of the node (`/v1/server_info`). */
export interface ControlNodeInfo {
  /** Stable node id (kept in the data directory across restarts, as APISIX's `apisix.uid`). */
  id: string;
  hostname: string;
  /** Tollgate version. */
  version: string;
  /** Epoch seconds the node started. */
  bootTime: number;
  /** `traditional` or `data_plane`. */
  role: string;
  /** Version of the etcd server, when known. */
  etcdVersion?: string;
}

/** The config sync's state (`ConfigSync.status()` has this shape). */
export interface ControlConfigState {
  /** A config (from the store or the on-disk copy) has been loaded. */
  loaded: boolean;
  revision: number;
  /** Serving the on-disk copy because the store has not answered since boot. */
  stale: boolean;
  /** The store answered the last read, watch or probe. */
  connected: boolean;
  /** Epoch ms of the last read or watch batch from the store. */
  lastSyncAt?: number;
  lastError?: string;
  /** Keys whose current value is refused (their last good version is served). */
  invalidKeys: readonly { key: string; reason: string }[];
}

/** One active health target (`ActiveHealthChecker.status()` items). */
export interface ControlHealthTarget extends TargetStatus {
  /**
   * Consecutive failures by kind, when the checker reports them; otherwise the control API
   * attributes `failures` to the kind of `lastError`.
   */
  failureCounts?: { http: number; tcp: number; timeout: number };
}

/** One worker process of the node. */
export interface ControlWorkerState {
  pid?: number;
  listening: boolean;
  appliedRevision: number;
}

/** The node as the control API sees it. Every method is called per request; keep them cheap. */
export interface ControlSource {
  /** etcd key prefix (`/apisix`), for the `key` of listed items. */
  readonly prefix: string;
  nodeInfo(): ControlNodeInfo;
  configState(): ControlConfigState;
  /** The validated config items by relative key (`routes/1`, `plugin_metadata/prometheus`). */
  configItems(): ReadonlyMap<string, Record<string, unknown>>;
  /** Active health targets and their verdicts. */
  healthTargets(): readonly ControlHealthTarget[];
  /** LLM instance scrapes and in-flight counts (issue 12), when the node keeps them. */
  instanceLoad?(): InstanceLoadSnapshot | undefined;
  /** Worker processes; readiness also requires each to listen when given. */
  workers?(): readonly ControlWorkerState[];
  /** The store revision an item was last modified at, when known. */
  modifiedIndex?(key: string): number | undefined;
}
