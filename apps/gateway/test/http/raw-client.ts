/**
 * A raw HTTP/1.1 client over node:net for the refusal tests of issue 9: any head, a body of any
 * size (declared with Content-Length or chunked) sent as fast as the socket takes it or in paced
 * chunks, and optionally no reading until everything was sent, as clients that write their whole
 * request first do. It reports whether a complete response arrived or the connection failed
 * first, which is how a reset shows.
 */
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Body bytes to send ('a' repeated). */
  bodyBytes?: number;
  /** Send the body chunked instead of declaring its length. */
  chunked?: boolean;
  /** Bytes per write (default 64 KiB). */
  chunkBytes?: number;
  /** Pause between writes in ms (default none: as fast as the socket drains). */
  paceMs?: number;
  /** Read nothing until the whole request was sent. */
  readAfterSend?: boolean;
  timeoutMs?: number;
}

export interface RawReply {
  /** `response`: a complete response was read; otherwise how the connection ended first. */
  outcome: 'response' | 'reset' | 'closed' | 'timeout';
  /** The socket error code when the connection failed (ECONNRESET, EPIPE). */
  error?: string;
  status?: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  body: string;
  /** Body bytes written before the exchange ended. */
  sentBytes: number;
}

interface ParsedHead {
  status: number;
  headers: Record<string, string>;
  bodyStart: number;
}

function parseHead(data: Buffer): ParsedHead | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, bodyStart: end + 4 };
}

/** Sends one request to 127.0.0.1:`port` and reads one response. */
export function rawRequest(port: number, request: RawRequest): Promise<RawReply> {
  const bodyBytes = request.bodyBytes ?? 0;
  const chunkBytes = request.chunkBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let sent = 0;
    let done = false;

    const complete = (): ParsedHead | undefined => {
      const head = parseHead(data);
      if (!head) return undefined;
      const length = Number(head.headers['content-length'] ?? 0);
      return data.length >= head.bodyStart + length ? head : undefined;
    };
    const finish = (outcome: RawReply['outcome'], error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const head = complete();
      resolve({
        outcome: head ? 'response' : outcome,
        ...(head ? {} : { error }),
        status: head?.status,
        headers: head?.headers ?? {},
        body: head ? data.subarray(head.bodyStart).toString('utf8') : '',
        sentBytes: sent,
      });
    };
    const timer = setTimeout(() => finish('timeout'), request.timeoutMs ?? 20_000);

    if (request.readAfterSend) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (complete()) finish('response');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish('reset', err.code));
    socket.on('close', () => finish('closed'));

    let head = `${request.method ?? 'POST'} ${request.path ?? '/'} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
    for (const [name, value] of Object.entries(request.headers ?? {}))
      head += `${name}: ${value}\r\n`;
    if (bodyBytes > 0) {
      head += request.chunked
        ? 'Transfer-Encoding: chunked\r\n'
        : `Content-Length: ${bodyBytes}\r\n`;
    }
    socket.write(`${head}\r\n`);

    const filler = Buffer.alloc(chunkBytes, 'a');
    const writeBody = async () => {
      while (!done && sent < bodyBytes) {
        const size = Math.min(chunkBytes, bodyBytes - sent);
        const piece = request.chunked
          ? Buffer.concat([
              Buffer.from(`${size.toString(16)}\r\n`),
              filler.subarray(0, size),
              Buffer.from('\r\n'),
            ])
          : filler.subarray(0, size);
        sent += size;
        if (!socket.write(piece)) {
          await new Promise<void>((resume) => {
            const go = () => {
              socket.off('drain', go);
              socket.off('close', go);
              resume();
            };
            socket.on('drain', go);
            socket.on('close', go);
          });
        }
        if (request.paceMs) await delay(request.paceMs);
      }
      if (done) return;
      if (request.chunked) socket.write('0\r\n\r\n');
      // Start reading once the last byte was handed to the kernel.
      if (request.readAfterSend) socket.write('', () => socket.resume());
    };
    void writeBody();
  });
}
