import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import type { RealIpConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { fromForwardedFor, parseAddress } from './address';
import { realIp } from './index';

function context(url: string, headers: http.IncomingHttpHeaders = {}): RequestContext {
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  Object.defineProperty(socket, 'remotePort', { value: 50000 });
  const req = new http.IncomingMessage(socket);
  req.headers = headers;
  req.url = url;
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

function run(conf: RealIpConf, ctx: RequestContext): [unknown, unknown] {
  void realIp.rewrite?.(conf, ctx);
  return [ctx.vars.get('remote_addr'), ctx.vars.get('remote_port')];
}

describe('real-ip', () => {
  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('real-ip')).toBe(realIp);
    expect(realIp.priority).toBe(23000);
  });

  it('parses ip[:port] like parse_addr', () => {
    expect(parseAddress('1.2.3.4')).toEqual({ ip: '1.2.3.4' });
    expect(parseAddress('1.2.3.4:9080')).toEqual({ ip: '1.2.3.4', port: 9080 });
    expect(parseAddress('::1')).toEqual({ ip: '::1' });
    expect(parseAddress('[::2]')).toEqual({ ip: '::2' });
    expect(parseAddress('[::2]:8080')).toEqual({ ip: '::2', port: 8080 });
    for (const bad of ['1.2.3.4:0', '1.2.3.4:65536', 'localhost', '1.2.3', '[::1', '1.2.3.4:x']) {
      expect(parseAddress(bad)).toBeUndefined();
    }
  });

  it('takes the last X-Forwarded-For entry, or recursively the last untrusted one', () => {
    expect(fromForwardedFor('1.1.1.1, 2.2.2.2')).toBe('2.2.2.2');
    const trusted = (ip: string) => ip === '2.2.2.2' || ip === '3.3.3.3';
    expect(fromForwardedFor('1.1.1.1, 4.4.4.4, 2.2.2.2,3.3.3.3', trusted)).toBe('4.4.4.4');
    expect(fromForwardedFor('2.2.2.2, 3.3.3.3', trusted)).toBe('2.2.2.2');
  });

  it('sets remote_addr and remote_port from the source, keeping the peer in realip_*', () => {
    const ctx = context('/hello?realip=1.2.3.4:9080');
    expect(run({ source: 'arg_realip', recursive: false }, ctx)).toEqual(['1.2.3.4', 9080]);
    expect(ctx.vars.get('realip_remote_addr')).toBe('127.0.0.1');
    expect(ctx.vars.get('realip_remote_port')).toBe(50000);
    expect(run({ source: 'arg_realip', recursive: false }, context('/?realip=1.2.3.4'))).toEqual([
      '1.2.3.4',
      50000,
    ]);
  });

  it('leaves the address alone for an untrusted peer, a missing or a bad value', () => {
    const untrusted: RealIpConf = {
      source: 'arg_realip',
      trusted_addresses: ['1.1.1.1'],
      recursive: false,
    };
    expect(run(untrusted, context('/?realip=1.2.3.4'))).toEqual(['127.0.0.1', 50000]);
    const conf: RealIpConf = { source: 'http_x_real_ip', recursive: false };
    expect(run(conf, context('/'))).toEqual(['127.0.0.1', 50000]);
    expect(run(conf, context('/', { 'x-real-ip': 'bad' }))).toEqual(['127.0.0.1', 50000]);
  });

  it('http_x_forwarded_for with recursive skips trusted proxies', () => {
    const conf: RealIpConf = {
      source: 'http_x_forwarded_for',
      trusted_addresses: ['127.0.0.0/24', '2.2.2.2'],
      recursive: true,
    };
    const ctx = context('/', { 'x-forwarded-for': '1.1.1.1, 2.2.2.2' });
    expect(run(conf, ctx)[0]).toBe('1.1.1.1');
    const plain = context('/', { 'x-forwarded-for': '1.1.1.1, 2.2.2.2' });
    expect(run({ ...conf, recursive: false }, plain)[0]).toBe('2.2.2.2');
  });
});
