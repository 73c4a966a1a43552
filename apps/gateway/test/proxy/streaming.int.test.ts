import http from 'node:http';
import { type Front, startFront, startUpstream, type TestUpstream, waitFor } from './harness';

jest.setTimeout(20_000);

/** Opens a request and resolves with the response head; the body is left to the test. */
function open(
  port: number,
  path = '/',
): { req: http.ClientRequest; response: Promise<http.IncomingMessage> } {
  const req = http.request({ host: '127.0.0.1', port, path, agent: false });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  // Tests that never read the response must not leave a rejection unhandled.
  response.catch(() => undefined);
  req.end();
  return { req, response };
}

describe('UpstreamProxy response streaming', () => {
  let up: TestUpstream;
  let front: Front;

  beforeAll(async () => {
    up = await startUpstream('s');
    front = await startFront({ nodes: { [up.addr]: 1 } }, 'upstreams/streaming');
  });
  afterAll(async () => {
    await front.close();
    await up.close();
  });

  it('forwards each chunk as it arrives', async () => {
    let clientGotFirst = false;
    let secondSentAfterFirst: boolean | undefined;
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      // The second chunk waits until the client saw the first (bounded, so a buffering proxy fails).
      waitFor(() => clientGotFirst, 3000)
        .then(() => (secondSentAfterFirst = true))
        .catch(() => (secondSentAfterFirst = false))
        .finally(() => res.end('second'));
    };
    const { response } = open(front.port);
    const res = await response;
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const chunks: string[] = [];
    res.on('data', (c: Buffer) => {
      chunks.push(c.toString());
      clientGotFirst = true;
    });
    await new Promise((resolve) => res.on('end', resolve));
    expect(secondSentAfterFirst).toBe(true);
    expect(chunks[0]).toBe('first;');
    expect(chunks.join('')).toBe('first;second');
  });

  it('propagates back-pressure from a slow client to the upstream', async () => {
    const total = 64 * 1024 * 1024;
    const piece = Buffer.alloc(64 * 1024, 'z');
    let written = 0;
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': total });
      const pump = (): void => {
        while (written < total) {
          written += piece.length;
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    };
    const { response } = open(front.port);
    const res = await response;
    res.pause();
    // With the client not reading, only socket and stream buffers may fill, far below the body.
    await new Promise((r) => setTimeout(r, 1000));
    expect(written).toBeLessThan(total / 2);
    // What the gateway itself holds for the client stays around one write's worth.
    const { ctx } = front.handled[front.handled.length - 1] as Front['handled'][number];
    expect(ctx.response.res.writableLength).toBeLessThan(1024 * 1024);
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    expect(received).toBe(total);
  });

  it('destroys the client connection when the upstream fails mid-body', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 50);
    };
    const { response } = open(front.port);
    const res = await response;
    const outcome = await new Promise<string>((resolve) => {
      res.on('end', () => resolve(res.complete ? 'complete' : 'incomplete'));
      res.on('aborted', () => resolve('aborted'));
      res.on('error', () => resolve('error'));
    });
    expect(outcome).not.toBe('complete');
  });

  it('aborts the upstream request promptly when the client disconnects mid-body', async () => {
    let upstreamClosedAt = 0;
    up.handler = (req, res) => {
      res.writeHead(200);
      res.write('tick');
      res.on('close', () => (upstreamClosedAt = Date.now()));
    };
    const { req, response } = open(front.port);
    req.on('error', () => undefined);
    const res = await response;
    await new Promise((resolve) => res.once('data', resolve));
    const closedAt = Date.now();
    req.destroy();
    await waitFor(() => upstreamClosedAt > 0, 1000, 'upstream close');
    expect(upstreamClosedAt - closedAt).toBeLessThan(1000);
  });

  it('aborts the upstream request when the client disconnects before the response head', async () => {
    let upstreamClosed = false;
    let received = false;
    up.handler = (_req, res) => {
      received = true;
      res.on('close', () => (upstreamClosed = true));
    };
    const { req } = open(front.port);
    req.on('error', () => undefined);
    await waitFor(() => received, 2000, 'upstream request');
    req.destroy();
    await waitFor(() => upstreamClosed, 1000, 'upstream close');
    const last = front.handled[front.handled.length - 1] as Front['handled'][number];
    await last.done;
  });
});
