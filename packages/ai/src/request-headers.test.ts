import { buildUpstreamHeaders } from './request-headers';

describe('buildUpstreamHeaders (3.17+ rules)', () => {
  it('forwards client headers lower-cased, auth.header wins, content-type forced', () => {
    const out = buildUpstreamHeaders(
      {
        authorization: 'Bearer client',
        'x-ai-fixture': 'openai/chat-basic.json',
        'content-type': 'application/json; charset=utf-8',
        'X-Upper': 'kept',
        accept: 'text/event-stream',
      },
      { Authorization: 'Bearer instance', 'X-Api-Key': 'k' },
    );
    expect(out).toEqual({
      authorization: 'Bearer instance',
      'x-api-key': 'k',
      'x-ai-fixture': 'openai/chat-basic.json',
      'content-type': 'application/json',
      'x-upper': 'kept',
      accept: 'text/event-stream',
    });
  });

  it('keeps a client Authorization when auth.header does not set one', () => {
    expect(buildUpstreamHeaders({ authorization: 'Bearer c' }).authorization).toBe('Bearer c');
  });

  it('drops host, content-length, accept-encoding, hop-by-hop headers and expect', () => {
    const out = buildUpstreamHeaders({
      host: 'gateway.local',
      'content-length': '42',
      'accept-encoding': 'gzip',
      connection: 'keep-alive, x-hop',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      'transfer-encoding': 'chunked',
      te: 'trailers',
      trailer: 'x-t',
      upgrade: 'h2c',
      expect: '100-continue',
      'x-hop': 'nominated by connection',
      'x-keep': '1',
    });
    expect(out).toEqual({ 'x-keep': '1', 'content-type': 'application/json' });
  });

  it('a plain Connection: keep-alive or close (parsed once) nominates just that name', () => {
    for (const connection of ['keep-alive', 'close']) {
      const out = buildUpstreamHeaders({ connection, [connection]: 'x', 'x-keep': '1' });
      expect(out).toEqual({ 'x-keep': '1', 'content-type': 'application/json' });
    }
    const mixed = buildUpstreamHeaders({ connection: 'Close, X-Hop', 'x-hop': 'h', close: 'c' });
    expect(mixed).toEqual({ 'content-type': 'application/json' });
  });

  it('auth.header cannot re-add dropped headers', () => {
    const out = buildUpstreamHeaders({}, { Host: 'evil', 'Content-Length': '1' });
    expect(out).toEqual({ 'content-type': 'application/json' });
  });

  it('joins multi-valued headers and skips undefined values', () => {
    const out = buildUpstreamHeaders({ 'x-multi': ['a', 'b'], 'x-undef': undefined });
    expect(out).toEqual({ 'x-multi': 'a, b', 'content-type': 'application/json' });
  });
  it('applies plugin changes to the client headers first: replace, remove, add', () => {
    const changes = new Map<string, string | null>([
      ['apikey', null],
      ['x-consumer-username', 'jack'],
      ['x-added', 'yes'],
      ['x-hop', 'still hop-by-hop'],
    ]);
    const client = {
      apikey: 'secret',
      'x-consumer-username': 'forged',
      connection: 'x-hop',
      'x-keep': '1',
    };
    const out = buildUpstreamHeaders(client, { Authorization: 'Bearer k' }, changes);
    expect(out).toEqual({
      'x-keep': '1',
      'x-consumer-username': 'jack',
      'x-added': 'yes',
      authorization: 'Bearer k',
      'content-type': 'application/json',
    });
    expect(client.apikey).toBe('secret');
  });
});
