/**
 * `/apisix/admin/protos`: APISIX 3.18's t/admin/protos.t cases (PUT, the in-use refusal on
 * DELETE with and without `force`), the grpc-transcode `compile_proto` refusals and the list
 * answers, over HTTP to a real listener, run on etcd and on the embedded store.
 */
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor';
import type { SuiteStore } from './admin-api.suite';
import { useAdminHarness } from './admin-harness';

const GREETER = `syntax = "proto3";
package helloworld;
service Greeter {
    rpc SayHello (HelloRequest) returns (HelloReply) {}
}
message HelloRequest {
    string name = 1;
}
message HelloReply {
    string message = 1;
}`;

/** The Greeter proto as `protoc --descriptor_set_out` would give it, base64-encoded. */
function greeterDescriptorSet(): string {
  // The descriptor extension adds Root#toDescriptor, which its typings leave out.
  const root = protobuf.parse(GREETER).root as protobuf.Root & {
    toDescriptor(syntax: string): object;
  };
  const set = descriptor.FileDescriptorSet.encode(root.toDescriptor('proto3')).finish();
  return Buffer.from(set).toString('base64');
}

/** A route as APISIX writes it when grpc-transcode names proto 1 (Tollgate has no such plugin). */
const TRANSCODED_ROUTE = {
  id: '1',
  methods: ['GET'],
  uri: '/grpctest',
  plugins: {
    'grpc-transcode': { proto_id: '1', service: 'helloworld.Greeter', method: 'SayHello' },
  },
  upstream: { scheme: 'grpc', type: 'roundrobin', nodes: { '127.0.0.1:10051': 1 } },
};

interface Stored {
  key: string;
  value: Record<string, unknown>;
}

export function runProtosSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`Admin API protos on ${name}`, () => {
    const harness = useAdminHarness(open);
    const storedKeys = () => harness().stored('protos');
    const errorOf = (res: { json: unknown }) => (res.json as { error_msg: string }).error_msg;

    it('TEST 1: PUT /protos/1 stores the source under protos/1 (201, then 200), GET reads it', async () => {
      const { admin, target } = harness();
      const { prefix } = target;
      const put = await admin.put('/apisix/admin/protos/1', { content: GREETER });
      expect(put.status).toBe(201);
      expect((put.json as Stored).key).toBe(`${prefix}/protos/1`);
      const stored = JSON.parse((await target.store.get(`${prefix}/protos/1`))?.value ?? '{}');
      expect(stored).toMatchObject({ id: '1', content: GREETER });
      expect(typeof stored.create_time).toBe('number');
      expect((await admin.put('/apisix/admin/protos/1', { content: GREETER })).status).toBe(200);
      const get = await admin.get('/apisix/admin/protos/1');
      expect(get.status).toBe(200);
      expect((get.json as Stored).value).toMatchObject({ id: '1', content: GREETER });
    });

    it('TEST 2-6: a proto a route uses is refused on DELETE (force=anyvalue too), force=true deletes it', async () => {
      const { admin, target } = harness();
      const { prefix } = target;
      await admin.put('/apisix/admin/protos/1', { content: GREETER });
      // What an APISIX node with grpc-transcode enabled writes (TEST 2's route).
      await target.store.put(`${prefix}/routes/1`, JSON.stringify(TRANSCODED_ROUTE));
      const inUse = { error_msg: 'can not delete this proto, route [1] is still using it now' };
      for (const query of ['?force=anyvalue', '']) {
        const res = await admin.delete(`/apisix/admin/protos/1${query}`);
        expect(res.status).toBe(400);
        expect(res.json).toEqual(inUse);
      }
      expect(await storedKeys()).toEqual([`${prefix}/protos/1`]);
      const forced = await admin.delete('/apisix/admin/protos/1?force=true');
      expect(forced.status).toBe(200);
      expect(forced.json).toEqual({ deleted: '1', key: `${prefix}/protos/1` });
      expect(await storedKeys()).toEqual([]);
    });

    it('a service whose grpc-transcode names the proto (an integer proto_id) keeps it; other ids do not', async () => {
      const { admin, target } = harness();
      const { prefix } = target;
      await admin.put('/apisix/admin/protos/7', { content: GREETER });
      await admin.put('/apisix/admin/protos/8', { content: GREETER });
      await target.store.put(
        `${prefix}/services/s1`,
        JSON.stringify({ id: 's1', plugins: { 'grpc-transcode': { proto_id: 7 } } }),
      );
      const res = await admin.delete('/apisix/admin/protos/7');
      expect(res.status).toBe(400);
      expect(errorOf(res)).toBe('can not delete this proto, service [s1] is still using it now');
      expect((await admin.delete('/apisix/admin/protos/8')).status).toBe(200);
      expect((await admin.delete('/apisix/admin/protos/404')).status).toBe(404);
    });

    it('accepts a base64 FileDescriptorSet (a compiled .pb), as compile_proto does', async () => {
      const { admin } = harness();
      const res = await admin.put('/apisix/admin/protos/pb', { content: greeterDescriptorSet() });
      expect(res.status).toBe(201);
    });

    it.each([
      [
        'a syntax error',
        'syntax = "proto3"; message A { string name = 1 }',
        /^invalid content: .+/,
      ],
      ['plain text', 'not a proto', /^invalid content: .+/],
      [
        'an unknown field type',
        'syntax = "proto3"; message A { strng name = 1; }',
        /^invalid content: .*strng/,
      ],
      [
        'an import (APISIX wants a .pb for those)',
        'syntax = "proto3"; import "other.proto"; message A { string name = 1; }',
        /^invalid content: .*other\.proto/,
      ],
      ['base64 that is no descriptor set', 'aGVsbG8gd29ybGQ=', /^invalid content: .+/],
      ['base64 of zero bytes (an empty descriptor set)', 'AAAAAAAA', /^invalid content: .+/],
    ])(
      'bad content: %s → 400 `invalid content: ...`, nothing written',
      async (_what, content, message) => {
        const { admin } = harness();
        const res = await admin.put('/apisix/admin/protos/1', { content });
        expect(res.status).toBe(400);
        expect(errorOf(res)).toMatch(message);
        expect(await storedKeys()).toEqual([]);
      },
    );

    it.each([
      ['no content', {}, 'invalid configuration: property "content" is required'],
      [
        'an empty content',
        { content: '' },
        'invalid configuration: property "content" validation failed: string too short, expected at least 1, got 0',
      ],
      [
        'an unknown field',
        { content: GREETER, proto: 1 },
        'invalid configuration: additional properties forbidden, found proto',
      ],
    ])('bad input: %s → APISIX schema refusal, nothing written', async (_what, body, message) => {
      const { admin } = harness();
      const res = await admin.put('/apisix/admin/protos/1', body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error_msg: message });
      expect(await storedKeys()).toEqual([]);
    });

    it('PATCH is 405 and POST generates an id; name, desc and labels are kept', async () => {
      const { admin } = harness();
      const post = await admin.post('/apisix/admin/protos', {
        content: GREETER,
        name: 'greeter',
        desc: 'hello',
        labels: { team: 'a' },
      });
      expect(post.status).toBe(201);
      const { key, value } = post.json as Stored;
      expect(value).toMatchObject({ name: 'greeter', desc: 'hello', labels: { team: 'a' } });
      const patch = await admin.patch(`/apisix/admin/protos/${String(value.id)}`, { desc: 'x' });
      expect(patch.status).toBe(405);
      expect(patch.json).toEqual({ error_msg: 'not supported `PATCH` method for proto' });
      expect(await storedKeys()).toEqual([key]);
    });

    it('lists with total, paging (by creation) and the name/label filters', async () => {
      const { admin } = harness();
      for (const [id, name, labels] of [
        ['2', 'greeter-b', { team: 'a' }],
        ['1', 'greeter-a', { owner: 'b' }],
        ['3', 'other', { team: 'c' }],
      ] as const) {
        await admin.put(`/apisix/admin/protos/${id}`, { content: GREETER, name, labels });
      }
      const ids = (res: { json: unknown }) =>
        (res.json as { list: Stored[] }).list.map((e) => e.value.id);
      const all = await admin.get('/apisix/admin/protos');
      expect(all.status).toBe(200);
      expect((all.json as { total: number }).total).toBe(3);
      expect(ids(all)).toEqual(['1', '2', '3']);
      const page = await admin.get('/apisix/admin/protos?page=1&page_size=10');
      expect(page.json).toMatchObject({ total: 3 });
      expect(ids(page)).toEqual(['2', '1', '3']);
      expect(ids(await admin.get('/apisix/admin/protos?page=2&page_size=10'))).toEqual([]);
      const byName = await admin.get('/apisix/admin/protos?name=greeter');
      expect(byName.json).toMatchObject({ total: 2 });
      expect(ids(await admin.get('/apisix/admin/protos?label=team'))).toEqual(['2', '3']);
      const tooSmall = await admin.get('/apisix/admin/protos?page=1&page_size=2');
      expect(tooSmall.status).toBe(400);
    });
  });
}
