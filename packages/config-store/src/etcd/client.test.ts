import { GRPCDeadlineExceededError, type Etcd3 } from 'etcd3';
import { StoreUnavailableError } from '@tollgate/core';
import { EtcdCaller } from './client';
import { EtcdEndpoints } from './endpoints';

/** Stand-ins for the per-member clients: the caller only hands them to `fn`. */
function members(...hosts: string[]) {
  const clients = hosts.map((host) => ({ host, close: () => undefined }) as unknown as Etcd3);
  return {
    clients,
    endpoints: new EtcdEndpoints(clients.map((client, i) => ({ host: hosts[i] ?? '', client }))),
  };
}

const refused = () =>
  new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED');
const electing = () => new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded');

describe('EtcdCaller', () => {
  it('moves a read past a dead member to one that answers', async () => {
    const { clients, endpoints } = members('dead', 'b', 'c');
    const tried: Etcd3[] = [];
    const value = await new EtcdCaller(5000, endpoints).call('get', 'read', (client) => {
      tried.push(client);
      return client === clients[0] ? Promise.reject(refused()) : Promise.resolve('ok');
    });
    expect(value).toBe('ok');
    expect(tried).toEqual([clients[0], clients[1]]);
    // The member that answered is tried first from now on.
    expect(endpoints.order()[0]?.client).toBe(clients[1]);
  });

  it('reports what a reached member said when every try fails, not the dead member refusing', async () => {
    const { clients, endpoints } = members('dead', 'b', 'c');
    const tried: Etcd3[] = [];
    const call = new EtcdCaller(5000, endpoints).call('get', 'read', (client) => {
      tried.push(client);
      return Promise.reject(client === clients[0] ? refused() : electing());
    });
    await expect(call).rejects.toThrow(StoreUnavailableError);
    await expect(call).rejects.toThrow(/etcd unreachable: get: .*DEADLINE_EXCEEDED/);
    // Every member once, then the one that failed longest ago: the dead one, tried last.
    expect(tried).toEqual([clients[0], clients[1], clients[2], clients[0]]);
  });

  it('reports the refused connection when no member could be reached', async () => {
    const { endpoints } = members('a', 'b');
    const call = new EtcdCaller(5000, endpoints).call('get', 'read', () =>
      Promise.reject(refused()),
    );
    await expect(call).rejects.toThrow(/etcd unreachable: get: .*ECONNREFUSED/);
  });

  it('does not retry a compare-and-swap that may have reached etcd', async () => {
    const { endpoints } = members('a', 'b');
    let tries = 0;
    const call = new EtcdCaller(5000, endpoints).call('txn', 'write', () => {
      tries += 1;
      return Promise.reject(electing());
    });
    await expect(call).rejects.toThrow(/DEADLINE_EXCEEDED/);
    expect(tries).toBe(1);
  });
});
