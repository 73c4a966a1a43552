/**
 * The ClientHello reader against real ClientHellos (node:tls clients with and without SNI,
 * captured from an in-memory stream) and against truncated, oversized and non-TLS input.
 */
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { MAX_CLIENT_HELLO_BYTES, parseClientHello } from './client-hello';

/** The first bytes a node:tls client sends with `servername` (over an in-memory stream). */
function captureClientHello(servername?: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        const data = Buffer.concat(chunks);
        if (data.length >= 5 && data.length >= 5 + data.readUInt16BE(3)) {
          // The first write can come while tls.connect() is still running.
          setImmediate(() => client.destroy());
          resolve(data);
        }
        done();
      },
    });
    const client = tls.connect({ socket: wire, servername, rejectUnauthorized: false });
    client.on('error', () => client.destroy());
  });
}

describe('parseClientHello', () => {
  it('reads the SNI of a real ClientHello, lower-cased', async () => {
    const hello = await captureClientHello('A.Example.com');
    expect(parseClientHello(hello)).toEqual({ state: 'done', sni: 'a.example.com' });
  });

  it('a ClientHello without SNI is done without a name', async () => {
    const hello = await captureClientHello('');
    expect(parseClientHello(hello)).toEqual({ state: 'done', sni: undefined });
  });

  it('asks for more bytes until the first record is complete', async () => {
    const hello = await captureClientHello('b.example.com');
    for (const cut of [0, 1, 4, 5, 40, hello.length - 1]) {
      expect(parseClientHello(hello.subarray(0, cut))).toEqual({ state: 'more' });
    }
  });

  it('non-TLS bytes and malformed records are done without a name', () => {
    expect(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ state: 'done' });
    // A handshake record whose body is not a ClientHello.
    expect(parseClientHello(Buffer.from([0x16, 3, 1, 0, 4, 0x02, 0, 0, 0]))).toEqual({
      state: 'done',
    });
    // A record longer than TLS allows.
    expect(parseClientHello(Buffer.from([0x16, 3, 1, 0xff, 0xff]))).toEqual({ state: 'done' });
    // A ClientHello whose inner lengths run past the record.
    const lying = Buffer.from([0x16, 3, 1, 0, 8, 0x01, 0, 0xff, 0xff, 3, 3, 0, 0]);
    expect(parseClientHello(lying)).toEqual({ state: 'done' });
  });

  it('a name with characters no host name has is ignored', async () => {
    const hello = await captureClientHello('c.example.com');
    const at = hello.indexOf(Buffer.from('c.example.com'));
    hello[at] = 0x2f; // '/'
    expect(parseClientHello(hello)).toEqual({ state: 'done', sni: undefined });
  });

  it('never waits for more than one maximal record', () => {
    expect(MAX_CLIENT_HELLO_BYTES).toBe(16_389);
  });
});
