/**
 * @module etcd/endpoints
 * The members of an etcd cluster as the store reaches them: one etcd3 client per member, and the
 * order in which to try them.
 *
 * Why one client per member: a multi-host etcd3 client picks a random member for every call and
 * fails the call on that member alone (its per-host failover only skips members whose circuit
 * breaker is open). After a member dies, about one call in three lands on it and gets a fast
 * `ECONNREFUSED` although the cluster has quorum (issue 9, item 10). Holding the members apart
 * lets the store send a call to the member that answered last, move on to the next member when
 * one fails, and keep away from a member that just failed until the others fail too.
 */
import type { Etcd3 } from 'etcd3';

/** One etcd member and the client that talks to it. */
export interface EtcdEndpoint {
  /** As configured, e.g. `http://127.0.0.1:2379`. */
  readonly host: string;
  readonly client: Etcd3;
}

interface MemberState {
  endpoint: EtcdEndpoint;
  /** Epoch ms of the last failure since the member last answered; undefined while it answers. */
  failedAt: number | undefined;
}

/**
 * Chooses which member a call or a watch goes to. Sticky: every call goes to the member that
 * answered last, so a healthy cluster sees one client connection in use, as etcd's own clients do.
 *
 * @example
 * const endpoints = new EtcdEndpoints(hosts.map((host) => ({ host, client: clientFor(host) })));
 * const [first] = endpoints.order();
 * try { await first.client.kv.put(...); endpoints.succeeded(first); }
 * catch (err) { endpoints.failed(first); }
 */
export class EtcdEndpoints {
  private readonly members: MemberState[];
  /** Index of the member tried first while it answers. */
  private current = 0;

  constructor(endpoints: EtcdEndpoint[]) {
    this.members = endpoints.map((endpoint) => ({ endpoint, failedAt: undefined }));
  }

  get size(): number {
    return this.members.length;
  }

  /**
   * Every member, in the order to try them: the current member and those after it in the
   * configured order that have not failed, then the members that failed, longest ago first (the
   * one most likely to be back).
   */
  order(): EtcdEndpoint[] {
    const n = this.members.length;
    const rotated = Array.from({ length: n }, (_, i) => this.members[(this.current + i) % n]);
    const members = rotated.filter((m): m is MemberState => m !== undefined);
    const answering = members.filter((m) => m.failedAt === undefined);
    const failed = members
      .filter((m) => m.failedAt !== undefined)
      .sort((a, b) => (a.failedAt ?? 0) - (b.failedAt ?? 0));
    return [...answering, ...failed].map((m) => m.endpoint);
  }

  /** The member answered: it becomes the one tried first. */
  succeeded(endpoint: EtcdEndpoint): void {
    const index = this.members.findIndex((m) => m.endpoint === endpoint);
    const member = this.members[index];
    if (!member) return;
    member.failedAt = undefined;
    this.current = index;
  }

  /** The member could not be reached (or dropped a stream): try the others first from now on. */
  failed(endpoint: EtcdEndpoint): void {
    const member = this.members.find((m) => m.endpoint === endpoint);
    if (member) member.failedAt = Date.now();
  }

  /** Close every member's client. */
  close(): void {
    for (const { endpoint } of this.members) endpoint.client.close();
  }
}
