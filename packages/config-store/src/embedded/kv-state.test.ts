import { KvState } from './kv-state';

describe('KvState', () => {
  it('follows etcd revision rules for puts and deletes', () => {
    const state = new KvState();
    expect(state.revision).toBe(1);
    const created = state.apply(state.planPut('/a', '1'));
    expect(state.revision).toBe(2);
    expect(created.prev).toBeUndefined();
    const replaced = state.apply(state.planPut('/a', '2'));
    expect(replaced.prev).toEqual({ key: '/a', value: '1', createRevision: 2, modRevision: 2 });
    expect(state.get('/a')).toEqual({ key: '/a', value: '2', createRevision: 2, modRevision: 3 });
    expect(state.planDelete('/missing')).toBeUndefined();
    const record = state.planDelete('/a');
    if (!record) throw new Error('nothing to delete');
    const deleted = state.apply(record);
    expect(deleted.events).toEqual([
      { type: 'delete', item: { key: '/a', value: '', createRevision: 0, modRevision: 4 } },
    ]);
    expect(state.revision).toBe(4);
  });

  it('ranges by prefix in key order and deletes a subtree key first', () => {
    const state = new KvState();
    for (const k of ['/c/jack/credentials/2', '/c/jack', '/c/jacky', '/c/jack/credentials/1']) {
      state.apply(state.planPut(k, 'x'));
    }
    expect(state.range('/c/jack').map((i) => i.key)).toEqual([
      '/c/jack',
      '/c/jack/credentials/1',
      '/c/jack/credentials/2',
      '/c/jacky',
    ]);
    expect(state.planDelete('/c/jack', '/c/jack/credentials/')).toMatchObject({
      op: 'del',
      ks: ['/c/jack', '/c/jack/credentials/1', '/c/jack/credentials/2'],
    });
  });

  it('rejects a record that does not follow its revision (damaged log)', () => {
    const state = new KvState();
    expect(() => state.apply({ r: 5, op: 'put', k: '/a', v: '1' })).toThrow(
      'record revision 5 does not follow store revision 1',
    );
  });

  it('round-trips through a snapshot, leases included', () => {
    const state = new KvState();
    state.apply(state.planPut('/b', '1', 5000));
    state.apply(state.planPut('/a', '1'));
    const copy = KvState.fromSnapshot(JSON.parse(JSON.stringify(state.snapshot())));
    expect(copy.range('')).toEqual(state.range(''));
    expect(copy.revision).toBe(3);
    expect(copy.nextExpiry()).toBe(5000);
    expect(copy.expiredKeys(5000)).toEqual(['/b']);
    expect(copy.expiredKeys(4999)).toEqual([]);
  });
});
