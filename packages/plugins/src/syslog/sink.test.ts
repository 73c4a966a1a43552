import dgram from 'node:dgram';
import net from 'node:net';
import { encodeRfc5424 } from './rfc5424';
import { SyslogSink, type SyslogSinkConf } from './sink';

const CONF: SyslogSinkConf = {
  host: '127.0.0.1',
  port: 1,
  flush_limit: 4096,
  drop_limit: 1048576,
  timeout: 3000,
  sock_type: 'tcp',
  tls: false,
};

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

describe('encodeRfc5424', () => {
  it('frames a message as APISIX: PRI 46 (SYSLOG.INFO), version 1, UTC ms time, host, apisix, pid', () => {
    expect(encodeRfc5424('example.com', 42, '{"a":1}', Date.UTC(2024, 0, 2, 3, 4, 5, 6))).toBe(
      '<46>1 2024-01-02T03:04:05.006Z example.com apisix 42 - - {"a":1}\n',
    );
    expect(encodeRfc5424('a b', 7, 'x', 0)).toBe(
      '<46>1 1970-01-01T00:00:00.000Z - apisix 7 - - x\n',
    );
    expect(encodeRfc5424('h'.repeat(256), 7, 'x', 0)).toContain(' - apisix 7 ');
    expect(encodeRfc5424(undefined, 7, 'x', 0)).toBe(
      '<46>1 1970-01-01T00:00:00.000Z - apisix 7 - - x\n',
    );
  });
});

describe('SyslogSink over TCP', () => {
  let server: net.Server;
  let port: number;
  let received = '';
  let connections = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections += 1;
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (received += c));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(() => {
    server.close();
  });

  it('buffers below flush_limit (TEST 6), writes everything once it is reached, on one connection', async () => {
    const sink = new SyslogSink({ ...CONF, port, flush_limit: 10 });
    await sink.send(['abc']);
    await sink.send(['efg']);
    expect(sink.buffered).toBe(6);
    expect(received).toBe('');
    await sink.send(['hijk']);
    await until(() => received === 'abcefghijk');
    await sink.send(['0123456789']);
    await until(() => received === 'abcefghijk0123456789');
    expect(connections).toBe(1);
    await sink.close();
  });

  it('flush_limit 1 writes each batch at once (TEST 7); close writes what waits', async () => {
    received = '';
    const sink = new SyslogSink({ ...CONF, port, flush_limit: 1 });
    await sink.send(['one', 'two']);
    await until(() => received === 'onetwo');
    const waiting = new SyslogSink({ ...CONF, port });
    await waiting.send(['later']);
    await waiting.close();
    await until(() => received === 'onetwolater');
    await sink.close();
  });

  it('refuses a batch that would take the buffer above drop_limit', async () => {
    const sink = new SyslogSink({ ...CONF, port, flush_limit: 4, drop_limit: 6 });
    await expect(sink.send(['too long'])).rejects.toThrow('logger buffer is full');
  });

  it('a refused connection fails the batch', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sink = new SyslogSink({ ...CONF, port: free, flush_limit: 1 });
    await expect(sink.send(['x'])).rejects.toThrow(`failed to log message`);
    expect(sink.buffered).toBe(0);
  });
});

describe('SyslogSink over UDP', () => {
  it('sends the buffer as one datagram', async () => {
    const socket = dgram.createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const sink = new SyslogSink({
      ...CONF,
      port: socket.address().port,
      sock_type: 'udp',
      flush_limit: 1,
    });
    await sink.send(['a\n', 'b\n']);
    await until(() => got.length === 1);
    expect(got).toEqual(['a\nb\n']);
    await sink.close();
    socket.close();
  });
});
