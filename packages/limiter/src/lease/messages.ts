/**
 * @module lease/messages
 * What a node's workers and its primary say to each other about token quotas leased to the
 * workers (issue 14, docs/rate-limiting.md "Node-wide quotas without a round trip"): the shapes
 * and their guards. Neither side imports node:cluster, so both are tested over a fake channel.
 */

/** What one worker has used of one window: its reservations in flight plus its settled usage. */
export interface LeaseUsage {
  windowId: string;
  /** Tokens consumed or reserved by this worker in the window (never above what it was granted, but for debt). */
  committed: number;
  /** Tokens consumed (settled) by this worker in the window. */
  consumed: number;
  /** Acquire answers this worker had received when it wrote this (all keys). */
  replies: number;
}

/**
 * Worker → primary. `acquire`: admit a request the worker's lease cannot (`admit: true`), or
 * account a lease overdrawn by a settlement (`admit: false`); answered with a {@link LeaseReply}.
 * `report`: the usage of leases that changed, answered with {@link LeaseViews} of those keys.
 * `revoked`: the answer to a {@link LeaseRevoke}. `peek`: the node's view of a counter, for dry
 * runs.
 */
export type WorkerLeaseMessage =
  | {
      t: 'lease';
      op: 'acquire';
      id: number;
      key: string;
      limit: number;
      windowSeconds: number;
      /** Tokens this request reserves (0 for a check-then-charge admission or a debt report). */
      want: number;
      admit: boolean;
      usage?: LeaseUsage;
    }
  | { t: 'lease'; op: 'report'; usages: (LeaseUsage & { key: string })[] }
  | { t: 'lease'; op: 'revoked'; rid: number; key: string; usage?: LeaseUsage }
  | { t: 'lease'; op: 'peek'; id: number; key: string };

/** The node's totals of one window (peek answers), or a worker's share of them (grants). */
export interface LeaseView {
  consumed: number;
  /** Consumed plus reserved. */
  committed: number;
}

/** Primary → worker: the answer to `acquire` or `peek` number `id`. */
export interface LeaseReply {
  t: 'lease-reply';
  id: number;
  error?: string;
  /** `acquire`: the window this grant belongs to. */
  windowId?: string;
  /** `acquire`: every token granted to this worker in the window so far. */
  granted?: number;
  /** `acquire`: whether the request is admitted. */
  admitted?: boolean;
  /** Milliseconds left in the window. */
  resetInMs?: number;
  /** `acquire`: the other workers' usage as the primary knows it; `peek`: the node's. */
  view?: LeaseView;
  /** `acquire`: other workers are busy with the key; see {@link LeaseViews}. */
  othersBusy?: boolean;
}

/**
 * Primary → worker: the other workers' usage of each key a `report` carried, or of keys whose
 * usage changed on another worker. `othersBusy`: this worker and another both changed the key
 * within the last 100 ms, so the primary may leave the others' changes out of this worker's view
 * for up to 100 ms (the worker asks once this view is older than its `viewTtlMs`); otherwise
 * every change is sent.
 */
export interface LeaseViews {
  t: 'lease-views';
  views: (LeaseView & { key: string; windowId: string; resetInMs: number; othersBusy?: boolean })[];
}

/** Primary → worker: give back the unused part of your lease of `key` in window `windowId`. */
export interface LeaseRevoke {
  t: 'lease-revoke';
  rid: number;
  key: string;
  windowId: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function isUsage(v: unknown): v is LeaseUsage {
  return (
    isObject(v) &&
    typeof v.windowId === 'string' &&
    isCount(v.committed) &&
    isCount(v.consumed) &&
    isCount(v.replies)
  );
}

/** True for a well-formed {@link WorkerLeaseMessage}. */
export function isWorkerLeaseMessage(msg: unknown): msg is WorkerLeaseMessage {
  if (!isObject(msg) || msg.t !== 'lease') return false;
  switch (msg.op) {
    case 'acquire':
      return (
        Number.isInteger(msg.id) &&
        typeof msg.key === 'string' &&
        isCount(msg.limit) &&
        typeof msg.windowSeconds === 'number' &&
        msg.windowSeconds > 0 &&
        isCount(msg.want) &&
        typeof msg.admit === 'boolean' &&
        (msg.usage === undefined || isUsage(msg.usage))
      );
    case 'report':
      return (
        Array.isArray(msg.usages) &&
        msg.usages.every(
          (u: unknown) => isUsage(u) && typeof (u as { key?: unknown }).key === 'string',
        )
      );
    case 'revoked':
      return (
        Number.isInteger(msg.rid) &&
        typeof msg.key === 'string' &&
        (msg.usage === undefined || isUsage(msg.usage))
      );
    case 'peek':
      return Number.isInteger(msg.id) && typeof msg.key === 'string';
    default:
      return false;
  }
}

/** True for a well-formed {@link LeaseReply}. */
export function isLeaseReply(msg: unknown): msg is LeaseReply {
  if (!isObject(msg) || msg.t !== 'lease-reply' || !Number.isInteger(msg.id)) return false;
  if (msg.error !== undefined) return typeof msg.error === 'string';
  const view = msg.view;
  return (
    (view === undefined || (isObject(view) && isCount(view.consumed) && isCount(view.committed))) &&
    (msg.windowId === undefined || typeof msg.windowId === 'string') &&
    (msg.granted === undefined || isCount(msg.granted)) &&
    (msg.othersBusy === undefined || typeof msg.othersBusy === 'boolean') &&
    (msg.resetInMs === undefined || typeof msg.resetInMs === 'number')
  );
}

/** Everything the primary sends a worker about leases. */
export type PrimaryLeaseMessage = LeaseReply | LeaseViews | LeaseRevoke;

/** True for a well-formed {@link LeaseViews}. */
export function isLeaseViews(msg: unknown): msg is LeaseViews {
  return (
    isObject(msg) &&
    msg.t === 'lease-views' &&
    Array.isArray(msg.views) &&
    msg.views.every(
      (v: unknown) =>
        isObject(v) &&
        typeof v.key === 'string' &&
        typeof v.windowId === 'string' &&
        isCount(v.consumed) &&
        isCount(v.committed) &&
        typeof v.resetInMs === 'number' &&
        (v.othersBusy === undefined || typeof v.othersBusy === 'boolean'),
    )
  );
}

/** True for a well-formed {@link LeaseRevoke}. */
export function isLeaseRevoke(msg: unknown): msg is LeaseRevoke {
  return (
    isObject(msg) &&
    msg.t === 'lease-revoke' &&
    Number.isInteger(msg.rid) &&
    typeof msg.key === 'string' &&
    typeof msg.windowId === 'string'
  );
}
