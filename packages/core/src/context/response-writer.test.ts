import http from 'node:http';
import net from 'node:net';
import { ResponseWriter } from './response-writer';

/** A writer whose socket records each write node:http makes to it (corked chunks together). */
function writer(): { w: ResponseWriter; writes: string[] } {
  const req = new http.IncomingMessage(new net.Socket());
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  req.headers = {};
  const res = new http.ServerResponse(req);
  const writes: string[] = [];
  const socket = new net.Socket();
  socket._write = (chunk: Buffer, _enc, cb) => {
    writes.push(chunk.toString());
    cb();
  };
  socket._writev = (chunks, cb) => {
    writes.push(chunks.map((c) => String(c.chunk)).join(''));
    cb();
  };
  res.assignSocket(socket);
  return { w: new ResponseWriter(res), writes };
}

describe('ResponseWriter.writeLast', () => {
  it('sends the head, the body and the end in one write, with the producer head', () => {
    const { w, writes } = writer();
    w.begin(200, { 'content-type': 'application/json' });
    w.writeLast(Buffer.from('{"a":1}'));
    expect(writes).toEqual([]);
    w.end();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(writes[0]).toMatch(/content-type: application\/json\r\n/);
    // Framed as before (chunked, as APISIX's ngx.print of the body), ended in the same write.
    expect(writes[0]).toMatch(/Transfer-Encoding: chunked\r\n\r\n7\r\n\{"a":1\}\r\n0\r\n\r\n$/);
    expect(w.bytesSent).toBe(7);
  });

  it('body filters see the queued chunk as the last one', () => {
    const { w } = writer();
    const seen: [string, boolean][] = [];
    w.filters = {
      head: () => undefined,
      chunk: (c) => {
        seen.push([c.toString(), w.ending]);
        return Buffer.from(c.toString().toUpperCase());
      },
    };
    w.begin(200, {});
    w.writeLast(Buffer.from('abc'));
    w.end();
    expect(seen).toEqual([['abc', true]]);
    expect(w.bytesSent).toBe(3);
  });

  it('a later write sends the queued chunk first', async () => {
    const { w } = writer();
    const seen: string[] = [];
    w.filters = { head: () => undefined, chunk: (c) => (seen.push(c.toString()), c) };
    w.begin(200, {});
    w.writeLast(Buffer.from('one,'));
    await w.write(Buffer.from('two,'));
    w.end(Buffer.from('three'));
    expect(seen).toEqual(['one,', 'two,', 'three']);
  });
});
