/**
 * @module etcd-store
 * `ConfigStore` on a real etcd v3 cluster, through the etcd3 (gRPC) client, with the request
 * shapes APISIX uses (put with prev_kv, prefix range sorted by key, txn on mod_revision, lease
 * for ttl, deleterange).
 *
 * Every operation is one etcd request (or one lease grant plus one put for `ttlSeconds`), so a
 * failure never leaves half of an operation applied. Every operation settles within `timeoutMs`
 * and rejects with `StoreUnavailableError` when etcd cannot answer. A write that timed out after
 * its request reached etcd may still have been applied (as with any etcd client); one that failed
 * because etcd was down was not. No client restart is needed when etcd comes back.
 *
 * With several `hosts` (the members of one cluster), calls and watches go to the member that
 * answered last and move on to another member when it fails (`etcd/endpoints`): reads, puts and
 * id generation on any transient failure, compare-and-swap and deletes only when the request
 * never left. A dead member therefore fails nothing while the others have quorum.
 */
import type { IRequestOp } from 'etcd3';
import { StoreUnavailableError, createLogger, type Logger } from '@tollgate/core';
import {
  formatGeneratedId,
  type ConfigStore,
  type DeleteOptions,
  type PutOptions,
  type PutResult,
  type RangeResult,
  type StoredItem,
  type Watch,
  type WatchOptions,
} from './store';
import { storedItemTooLarge } from './errors';
import { prefixRangeEnd } from './keys';
import { EtcdCaller, createEtcdEndpoints, type EtcdConnectionOptions } from './etcd/client';
import type { EtcdEndpoints } from './etcd/endpoints';
import { headerRevision, int, toItem } from './etcd/convert';
import { EtcdWatch, type EtcdWatchTuning } from './etcd/watch';

/** Options of {@link EtcdStore}. */
export interface EtcdStoreOptions extends EtcdConnectionOptions, EtcdWatchTuning {}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The etcd backend of `ConfigStore`.
 *
 * @example
 * const store = new EtcdStore({ hosts: ['http://127.0.0.1:2379'], timeoutMs: 5000 });
 * const { revision, items } = await store.range('/apisix/routes/');
 * const watch = store.watch({ prefix: '/apisix/', fromRevision: revision + 1, onBatch, onError });
 */
export class EtcdStore implements ConfigStore {
  readonly kind = 'etcd' as const;
  private readonly endpoints: EtcdEndpoints;
  private readonly caller: EtcdCaller;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  constructor(private readonly options: EtcdStoreOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.endpoints = createEtcdEndpoints(options, this.timeoutMs);
    this.caller = new EtcdCaller(this.timeoutMs, this.endpoints);
    this.logger = createLogger('config-store');
  }

  async get(key: string): Promise<StoredItem | undefined> {
    this.assertOpen();
    const res = await this.caller.call('get', 'read', (client, deadline) =>
      client.kv.range({ key: Buffer.from(key) }, { deadline }),
    );
    const kv = res.kvs[0];
    return kv ? toItem(kv) : undefined;
  }

  async range(prefix: string): Promise<RangeResult> {
    this.assertOpen();
    const start = Buffer.from(prefix);
    const res = await this.caller.call('range', 'read', (client, deadline) =>
      client.kv.range(
        {
          key: start.length > 0 ? start : Buffer.from([0]),
          range_end: prefixRangeEnd(start),
          sort_order: 'Ascend',
          sort_target: 'Key',
        },
        { deadline },
      ),
    );
    return { revision: headerRevision(res.header), items: res.kvs.map(toItem) };
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    this.assertOpen();
    const ttl = options.ttlSeconds;
    if (ttl !== undefined && !(ttl > 0))
      throw new RangeError(`ttlSeconds must be positive, got ${ttl}`);
    assertStorable(key, value);
    const res = await this.caller.call('put', 'idempotent', async (client, deadline) => {
      // A lease granted for a put that then fails simply expires with no key attached.
      const lease =
        ttl === undefined
          ? undefined
          : await client.leaseClient.leaseGrant({ TTL: Math.ceil(ttl) }, { deadline });
      return client.kv.put(
        {
          key: Buffer.from(key),
          value: Buffer.from(value),
          prev_kv: true,
          ...(lease ? { lease: lease.ID } : {}),
        },
        { deadline },
      );
    });
    return putResult(key, value, headerRevision(res.header), res.prev_kv);
  }

  async putIfUnchanged(
    key: string,
    value: string,
    expectedModRevision: number,
  ): Promise<PutResult | undefined> {
    this.assertOpen();
    assertStorable(key, value);
    const res = await this.caller.call('putIfUnchanged', 'write', (client, deadline) =>
      client.kv.txn(
        {
          compare: [
            {
              key: Buffer.from(key),
              target: 'Mod',
              result: 'Equal',
              mod_revision: expectedModRevision,
            },
          ],
          success: [
            { request_put: { key: Buffer.from(key), value: Buffer.from(value), prev_kv: true } },
          ],
        },
        { deadline },
      ),
    );
    if (!res.succeeded) return undefined;
    return putResult(
      key,
      value,
      headerRevision(res.header),
      res.responses[0]?.response_put.prev_kv,
    );
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<number> {
    this.assertOpen();
    const ops: IRequestOp[] = [{ request_delete_range: { key: Buffer.from(key) } }];
    if (options.withPrefix !== undefined) {
      const start = Buffer.from(options.withPrefix);
      ops.push({
        request_delete_range: {
          key: start.length > 0 ? start : Buffer.from([0]),
          range_end: prefixRangeEnd(start),
        },
      });
    }
    const res = await this.caller.call('delete', 'write', (client, deadline) =>
      client.kv.txn({ success: ops }, { deadline }),
    );
    // Later ops of a txn see the earlier ones, so a key inside the prefix is not counted twice.
    return res.responses.reduce((sum, op) => sum + int(op.response_delete_range.deleted), 0);
  }

  async generateId(counterKey: string): Promise<string> {
    this.assertOpen();
    const res = await this.caller.call('generateId', 'idempotent', (client, deadline) =>
      client.kv.put({ key: Buffer.from(counterKey), value: Buffer.from('1') }, { deadline }),
    );
    return formatGeneratedId(headerRevision(res.header));
  }

  async revision(): Promise<number> {
    this.assertOpen();
    const res = await this.caller.call('revision', 'read', (client, deadline) =>
      client.kv.range({ key: Buffer.from([0]), count_only: true }, { deadline }),
    );
    return headerRevision(res.header);
  }

  watch(options: WatchOptions): Watch {
    this.assertOpen();
    const watch = new EtcdWatch(options, {
      endpoints: this.endpoints,
      logger: this.logger,
      timeoutMs: this.timeoutMs,
      tuning: this.options,
      onEnd: (w) => this.watches.delete(w),
    });
    this.watches.add(watch);
    watch.start();
    return watch;
  }

  /**
   * Compact etcd's history up to `revision` (physical: returns once the compaction is applied).
   * Not part of `ConfigStore`: an operator/test tool; watches from before it get compacted.
   */
  async compact(revision: number): Promise<void> {
    this.assertOpen();
    await this.caller.call('compact', 'write', (client, deadline) =>
      client.kv.compact({ revision, physical: true }, { deadline }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watches].map((w) => w.close()));
    this.endpoints.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('config store is closed');
  }
}

/**
 * Refuses an item over the store's size limit before sending it, so that etcd and the embedded
 * store refuse the same items (etcd's own limit, if lower, is mapped by `toStoreError`).
 */
function assertStorable(key: string, value: string): void {
  const tooLarge = storedItemTooLarge(key, value);
  if (tooLarge) throw tooLarge;
}

function putResult(
  key: string,
  value: string,
  revision: number,
  prevKv: Parameters<typeof toItem>[0] | undefined,
): PutResult {
  const prev = prevKv ? toItem(prevKv) : undefined;
  const item: StoredItem = {
    key,
    value,
    createRevision: prev ? prev.createRevision : revision,
    modRevision: revision,
  };
  return prev ? { revision, item, prev } : { revision, item };
}
