import type { WatchBatch, WatchEvent } from '@tollgate/config-store';
import { SyncedConfig } from './synced-config';

const P = '/apisix';
const route = (uri: string) => JSON.stringify({ uri, upstream_id: 'u' });

function put(key: string, value: string, revision: number): WatchEvent {
  return {
    type: 'put',
    item: { key: `${P}/${key}`, value, createRevision: revision, modRevision: revision },
  };
}

function del(key: string, revision: number): WatchEvent {
  return {
    type: 'delete',
    item: { key: `${P}/${key}`, value: '', createRevision: 0, modRevision: revision },
  };
}

function batch(revision: number, ...events: WatchEvent[]): WatchBatch {
  return { revision, events };
}

describe('SyncedConfig', () => {
  it('loads a full read, keeping only data-plane items that pass', () => {
    const config = new SyncedConfig(P);
    const refused = config.loadFull([
      ['routes/1', route('/a')],
      ['routes/2', 'nope'],
      ['gen_id', '7'],
    ]);
    expect(config.items().map(([k]) => k)).toEqual(['routes/1']);
    expect(refused).toEqual([{ key: `${P}/routes/2`, reason: 'value is not valid JSON' }]);
    expect(config.invalidKeys()).toEqual(refused);
    expect(config.rawItems()).toEqual([['routes/1', route('/a')]]);
  });

  it('keeps the last good version through a refused put and a full reload', () => {
    const config = new SyncedConfig(P);
    config.loadFull([['routes/1', route('/a')]]);
    const changes = config.applyBatch(batch(5, put('routes/1', '[]', 5)));
    expect(changes).toEqual({
      puts: [],
      deletes: [],
      refused: [{ key: `${P}/routes/1`, reason: 'value is not a JSON object' }],
    });
    // The same refusal on a reload is not reported again; the good version stays.
    expect(config.loadFull([['routes/1', '[]']])).toEqual([]);
    expect(config.items()).toEqual([['routes/1', expect.objectContaining({ uri: '/a' })]]);
    expect(config.rawItems()).toEqual([['routes/1', route('/a')]]);
    expect(config.invalidKeys()).toHaveLength(1);
  });

  it('drops items absent from a full reload, with their refusals', () => {
    const config = new SyncedConfig(P);
    config.loadFull([
      ['routes/1', route('/a')],
      ['routes/2', '1'],
    ]);
    config.loadFull([['routes/3', route('/c')]]);
    expect(config.items().map(([k]) => k)).toEqual(['routes/3']);
    expect(config.invalidKeys()).toEqual([]);
  });

  it('reduces a batch to the net change per key and ignores foreign keys', () => {
    const config = new SyncedConfig(P);
    config.loadFull([['routes/1', route('/a')]]);
    const changes = config.applyBatch(
      batch(
        9,
        put('routes/2', route('/b'), 7),
        del('routes/1', 8),
        del('routes/2', 9),
        put('routes/1', route('/a2'), 9),
        put('gen_id', '1', 9),
        {
          type: 'put',
          item: { key: '/apisixx/routes/1', value: '{}', createRevision: 9, modRevision: 9 },
        },
      ),
    );
    expect(changes.puts).toEqual([['routes/1', expect.objectContaining({ uri: '/a2' })]]);
    expect(changes.deletes).toEqual(['routes/2']);
  });

  it('emits a delete only for keys it holds or reports', () => {
    const config = new SyncedConfig(P);
    config.loadFull([['routes/bad', '1']]);
    expect(config.applyBatch(batch(3, del('routes/unknown', 3), del('routes/', 3)))).toEqual({
      puts: [],
      deletes: [],
      refused: [],
    });
    expect(config.applyBatch(batch(4, del('routes/bad', 4))).deletes).toEqual(['routes/bad']);
    expect(config.invalidKeys()).toEqual([]);
  });
});
