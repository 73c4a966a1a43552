/**
 * @module stream/client-hello
 * Reads the SNI out of a TLS ClientHello without terminating TLS (APISIX's `ssl_preread`), so a
 * stream route can match `sni` while the bytes pass through untouched. Bounded: only the first
 * TLS record is looked at (at most 5 + 16384 bytes), every length is checked against what is
 * there, and a name that is not a plausible host name is treated as absent.
 */

/** The most bytes the parser ever waits for: one TLS record header and its largest payload. */
export const MAX_CLIENT_HELLO_BYTES = 5 + 16_384;

const HANDSHAKE_RECORD = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME_EXTENSION = 0x0000;
const HOST_NAME = 0x00;
const HOST_NAME_CHARS = /^[a-z0-9._-]{1,253}$/;

/** `more`: wait for more bytes; `done`: the ClientHello was read (`sni` when it names a host). */
export type ClientHelloResult = { state: 'more' } | { state: 'done'; sni?: string };

/** A cursor over one byte range that never reads past its end. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
    private readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  u8(): number | undefined {
    return this.left >= 1 ? this.buf[this.pos++] : undefined;
  }

  u16(): number | undefined {
    if (this.left < 2) return undefined;
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number | undefined {
    if (this.left < 3) return undefined;
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  skip(n: number | undefined): boolean {
    if (n === undefined || n > this.left) return false;
    this.pos += n;
    return true;
  }

  /** A sub-reader over the next `n` bytes (and skips them here). */
  take(n: number | undefined): Reader | undefined {
    if (n === undefined || n > this.left) return undefined;
    const sub = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return sub;
  }

  text(n: number | undefined): string | undefined {
    if (n === undefined || n > this.left) return undefined;
    const s = this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

/** The host name of a server_name extension body, if it has one. */
function serverName(ext: Reader): string | undefined {
  const list = ext.take(ext.u16());
  while (list && list.left > 0) {
    const type = list.u8();
    const name = list.text(list.u16());
    if (name === undefined) return undefined;
    if (type === HOST_NAME) {
      const lower = name.toLowerCase();
      return HOST_NAME_CHARS.test(lower) ? lower : undefined;
    }
  }
  return undefined;
}

/** The SNI inside a complete ClientHello body, if any. */
function sniOf(hello: Reader): string | undefined {
  // client_version, random, session_id, cipher_suites, compression_methods.
  if (!hello.skip(2 + 32) || !hello.skip(hello.u8()) || !hello.skip(hello.u16())) return undefined;
  if (!hello.skip(hello.u8())) return undefined;
  const extensions = hello.take(hello.u16());
  while (extensions && extensions.left >= 4) {
    const type = extensions.u16();
    const body = extensions.take(extensions.u16());
    if (!body) return undefined;
    if (type === SERVER_NAME_EXTENSION) return serverName(body);
  }
  return undefined;
}

/**
 * Parses the first bytes a client sent. Not TLS, a ClientHello that does not fit its first
 * record, or a malformed one: `done` without `sni` (such a connection matches only routes
 * without `sni`, as in APISIX).
 * @example parseClientHello(firstBytes) // { state: 'done', sni: 'a.example.com' }
 */
export function parseClientHello(data: Buffer): ClientHelloResult {
  if (data.length < 1) return { state: 'more' };
  if (data[0] !== HANDSHAKE_RECORD) return { state: 'done' };
  if (data.length < 5) return { state: 'more' };
  const recordLength = data.readUInt16BE(3);
  if (recordLength === 0 || 5 + recordLength > MAX_CLIENT_HELLO_BYTES) return { state: 'done' };
  if (data.length < 5 + recordLength) return { state: 'more' };
  const record = new Reader(data, 5, 5 + recordLength);
  if (record.u8() !== CLIENT_HELLO) return { state: 'done' };
  const hello = record.take(record.u24());
  return hello ? { state: 'done', sni: sniOf(hello) } : { state: 'done' };
}
