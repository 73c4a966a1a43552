import dgram from 'node:dgram';
import { createUdpSink, sendOverUdp } from './sink';

describe('udp sink', () => {
  let socket: dgram.Socket;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    socket = dgram.createSocket('udp4');
    socket.on('message', (m) => received.push(m.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    port = socket.address().port;
  });

  afterAll(() => new Promise<void>((resolve) => socket.close(() => resolve())));

  it('sends each batch as one datagram: an object for batch_max_size 1, else an array', async () => {
    await createUdpSink({ host: '127.0.0.1', port, timeout: 3, batch_max_size: 1 }).send([
      { a: 1 },
    ]);
    await createUdpSink({ host: '127.0.0.1', port, timeout: 3, batch_max_size: 5 }).send([
      { a: 1 },
      { b: 2 },
    ]);
    await new Promise<void>((resolve) => {
      const check = () => (received.length >= 2 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(received).toEqual(['{"a":1}', '[{"a":1},{"b":2}]']);
  });

  it('a datagram too large for UDP fails the batch', async () => {
    await expect(
      sendOverUdp({ host: '127.0.0.1', port, timeout: 3, batch_max_size: 1 }, 'x'.repeat(70_000)),
    ).rejects.toThrow(`failed to send data to UDP server: host[127.0.0.1] port[${port}] err:`);
  });
});

describe('udp sink, unresolvable host', () => {
  it('fails as APISIX setpeername does', async () => {
    await expect(
      sendOverUdp({ host: '312.0.0.1', port: 2000, timeout: 1, batch_max_size: 1 }, '{}'),
    ).rejects.toThrow('failed to connect to UDP server: host[312.0.0.1] port[2000] err:');
  });
});
