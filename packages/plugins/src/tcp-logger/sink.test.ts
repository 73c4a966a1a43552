import net from 'node:net';
import { createTcpSink, encodeJsonBatch, sendOverTcp, type TcpSinkConf } from './sink';

const CONF: TcpSinkConf = {
  host: '127.0.0.1',
  port: 1,
  tls: false,
  timeout: 1000,
  batch_max_size: 10,
};

describe('encodeJsonBatch', () => {
  it('one object when batch_max_size is 1, else an array', () => {
    expect(encodeJsonBatch([{ a: 1 }], 1)).toBe('{"a":1}');
    expect(encodeJsonBatch([{ a: 1 }, { b: 2 }], 10)).toBe('[{"a":1},{"b":2}]');
    expect(encodeJsonBatch([{ a: 1 }], 10)).toBe('[{"a":1}]');
  });
});

describe('tcp sink', () => {
  let server: net.Server;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    server = net.createServer((socket) => {
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (data += c));
      socket.on('end', () => received.push(data));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('writes each batch over its own connection, then closes it', async () => {
    const sink = createTcpSink({ ...CONF, port });
    await sink.send([{ a: 1 }, { b: 2 }]);
    await sink.send([{ c: 3 }]);
    await new Promise<void>((resolve) => {
      const check = () => (received.length >= 2 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(received).toEqual(['[{"a":1},{"b":2}]', '[{"c":3}]']);
  });

  it('a refused connection rejects with APISIX message', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(sendOverTcp({ ...CONF, port: free }, 'x')).rejects.toThrow(
      `failed to connect to TCP server: host[127.0.0.1] port[${free}] err: `,
    );
  });

  it('a TLS handshake with a plain server fails', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.end('not tls');
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const p = (silent.address() as net.AddressInfo).port;
    await expect(sendOverTcp({ ...CONF, port: p, tls: true }, 'x')).rejects.toThrow(
      'failed to to perform TLS handshake to TCP server',
    );
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
