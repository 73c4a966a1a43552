import type { Etcd3 } from 'etcd3';
import { EtcdEndpoints, type EtcdEndpoint } from './endpoints';

const closed: string[] = [];
const member = (host: string): EtcdEndpoint => ({
  host,
  client: { close: () => closed.push(host) } as unknown as Etcd3,
});
const hosts = (list: EtcdEndpoint[]) => list.map((e) => e.host);

describe('EtcdEndpoints', () => {
  const [a, b, c] = [member('a'), member('b'), member('c')];
  const make = () => new EtcdEndpoints([a, b, c]);

  it('tries the configured order while every member answers', () => {
    expect(hosts(make().order())).toEqual(['a', 'b', 'c']);
  });

  it('sticks to the member that answered last', () => {
    const endpoints = make();
    endpoints.succeeded(b);
    expect(hosts(endpoints.order())).toEqual(['b', 'c', 'a']);
  });

  it('moves a failed member behind the others, the longest-failed first', () => {
    const endpoints = make();
    const now = jest.spyOn(Date, 'now');
    now.mockReturnValue(1000);
    endpoints.failed(a);
    expect(hosts(endpoints.order())).toEqual(['b', 'c', 'a']);
    now.mockReturnValue(2000);
    endpoints.failed(b);
    expect(hosts(endpoints.order())).toEqual(['c', 'a', 'b']);
    now.mockReturnValue(3000);
    endpoints.failed(c);
    // Every member failed: the one that failed longest ago is the likeliest to be back.
    expect(hosts(endpoints.order())).toEqual(['a', 'b', 'c']);
    now.mockRestore();
  });

  it('takes a member back first once it answers again', () => {
    const endpoints = make();
    endpoints.failed(a);
    endpoints.succeeded(a);
    expect(hosts(endpoints.order())).toEqual(['a', 'b', 'c']);
  });

  it('closes every client', () => {
    closed.length = 0;
    make().close();
    expect(closed).toEqual(['a', 'b', 'c']);
  });
});
