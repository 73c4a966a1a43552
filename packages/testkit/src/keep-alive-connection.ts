/**
 * @module keep-alive-connection
 * One HTTP/1.1 keep-alive connection over node:net for tests of connection handling: requests
 * are written when the test says (also without waiting for the answer), answers are read one by
 * one, and how the server ended the connection is reported: `end` for a FIN, the error code
 * (ECONNRESET) for a reset. Answers must carry a Content-Length.
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** How a connection ended: `end` (FIN from the server), `closed`, or a socket error code. */
export type ConnectionEnding = string;

const GET = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

export class KeepAliveConnection {
  private readonly socket: net.Socket;
  private data = '';
  private waiter: ((reply: RawAnswer | ConnectionEnding) => void) | undefined;
  /** Set once the connection ended or failed. */
  ending: ConnectionEnding | undefined;
  /** Resolves with how the connection ended. */
  readonly ended: Promise<ConnectionEnding>;

  /** Connects to 127.0.0.1:`port`. */
  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => {
      this.data += chunk;
      this.deliver();
    });
    this.ended = new Promise((resolve) => {
      const finish = (ending: ConnectionEnding) => {
        this.ending ??= ending;
        this.deliver();
        resolve(this.ending);
      };
      this.socket.on('end', () => finish('end'));
      this.socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
      this.socket.on('close', () => finish('closed'));
    });
  }

  /** Writes `head` (a GET / by default) without waiting for anything. */
  write(head = GET): void {
    this.socket.write(head);
  }

  /** The next complete answer, or how the connection ended before it. */
  answer(): Promise<RawAnswer | ConnectionEnding> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }

  /** Writes `head` and reads its answer. */
  request(head = GET): Promise<RawAnswer | ConnectionEnding> {
    this.write(head);
    return this.answer();
  }

  close(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const end = this.data.indexOf('\r\n\r\n');
    if (end !== -1) {
      const [statusLine = '', ...lines] = this.data.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const bodyEnd = end + 4 + Number(headers['content-length'] ?? 0);
      if (this.data.length >= bodyEnd) {
        const body = this.data.slice(end + 4, bodyEnd);
        this.data = this.data.slice(bodyEnd);
        this.waiter = undefined;
        waiter({ status: Number(statusLine.split(' ')[1]), headers, body });
        return;
      }
    }
    if (this.ending !== undefined) {
      this.waiter = undefined;
      waiter(this.ending);
    }
  }
}

/** The status of `reply`, or how the connection ended instead. */
export function statusOf(reply: RawAnswer | ConnectionEnding): number | ConnectionEnding {
  return typeof reply === 'string' ? reply : reply.status;
}
