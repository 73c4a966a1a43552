import { buildUpstreamBody, type BuildBodyArgs } from './request-body';
import type { ProtocolName } from './types';

function build(
  body: Record<string, unknown>,
  rest: Partial<BuildBodyArgs> = {},
): { json: Record<string, unknown>; text: string; model?: string; changed: boolean } {
  const raw = Buffer.from(JSON.stringify(body));
  const protocol: ProtocolName = rest.protocol ?? 'openai-chat';
  const out = buildUpstreamBody({
    raw,
    body,
    protocol,
    targetProtocol: rest.targetProtocol ?? protocol,
    provider: rest.provider ?? 'openai',
    ...rest,
  });
  const text = out.bytes.toString('utf8');
  return {
    json: JSON.parse(text) as Record<string, unknown>,
    text,
    model: out.model,
    changed: out.changed,
  };
}

/** openai-chat to openai (as `build`) from the client's exact bytes, to see them passed on. */
function buildFromBytes(
  text: string,
  rest: Partial<BuildBodyArgs> = {},
): { raw: Buffer; out: ReturnType<typeof buildUpstreamBody> } {
  const raw = Buffer.from(text);
  const body = JSON.parse(text) as Record<string, unknown>;
  const out = buildUpstreamBody({
    raw,
    body,
    protocol: 'openai-chat',
    targetProtocol: 'openai-chat',
    provider: 'openai',
    ...rest,
  });
  return { raw, out };
}

describe('buildUpstreamBody', () => {
  it('sends the client bytes verbatim when nothing applies', () => {
    const { raw, out } = buildFromBytes(
      '{ "messages" : [ {"role":"user","content":"hi"} ],"z":1, "a":2 }',
      { options: {}, override: { request_body: { 'openai-responses': { x: 1 } } } },
    );
    expect(out.bytes).toBe(raw);
    expect(out.changed).toBe(false);
  });

  it('step 2: stream_options injected for openai-chat streams (client value replaced)', () => {
    const r = build({ messages: [], stream: true, stream_options: { include_usage: false } });
    expect(r.json.stream_options).toEqual({ include_usage: true });
    expect(r.changed).toBe(true);
  });

  it('step 2 keeps a client stream_options that is already {include_usage: true}: bytes unchanged', () => {
    const { raw, out } = buildFromBytes(
      '{ "messages": [], "stream": true, "stream_options": { "include_usage": true } }',
    );
    expect(out.changed).toBe(false);
    expect(out.bytes).toBe(raw);
    // Anything more or else in it is replaced, and the body re-encoded.
    for (const streamOptions of [
      { include_usage: true, continuous_usage_stats: true },
      { include_usage: 'true' },
      {},
      [],
    ]) {
      const r = build({ messages: [], stream: true, stream_options: streamOptions });
      expect(r.json.stream_options).toEqual({ include_usage: true });
      expect(r.changed).toBe(true);
    }
  });

  it('step 2 runs before options: stream only from options adds no stream_options', () => {
    const r = build({ messages: [] }, { options: { stream: true } });
    expect(r.json).toEqual({ messages: [], stream: true });
  });

  it('step 2 is not done for other target protocols', () => {
    const r = build(
      { input: 'x', stream: true },
      { protocol: 'openai-responses', raw: Buffer.from('{"input":"x","stream":true}') },
    );
    expect(r.changed).toBe(false);
    expect(r.json).toEqual({ input: 'x', stream: true });
  });

  it('step 3: options merged flat, instance wins, including model', () => {
    const r = build(
      { messages: [], model: 'client-model', temperature: 1, top: { a: 1 } },
      { options: { model: 'gpt-4o', temperature: 0.2, top: { b: 2 } } },
    );
    expect(r.json).toEqual({ messages: [], model: 'gpt-4o', temperature: 0.2, top: { b: 2 } });
    expect(r.model).toBe('gpt-4o');
  });

  it('llm_model falls back to the client model, else undefined', () => {
    expect(build({ messages: [], model: 'm1' }, { options: { temperature: 0 } }).model).toBe('m1');
    expect(build({ messages: [] }).model).toBeUndefined();
  });

  describe('step 4: llm_options.max_tokens → provider field', () => {
    const cases: [string, ProtocolName, string, boolean][] = [
      ['openai', 'openai-chat', 'max_completion_tokens', true],
      ['openai', 'openai-responses', 'max_output_tokens', false],
      ['openai-compatible', 'openai-chat', 'max_tokens', false],
      ['openai-compatible', 'openai-responses', 'max_output_tokens', false],
      ['gemini', 'openai-chat', 'max_completion_tokens', true],
      ['deepseek', 'openai-chat', 'max_tokens', false],
      ['aimlapi', 'openai-chat', 'max_tokens', false],
      ['openrouter', 'openai-chat', 'max_tokens', false],
      ['azure-openai', 'openai-chat', 'max_tokens', false],
      ['anthropic', 'openai-chat', 'max_tokens', false],
      ['anthropic', 'anthropic-messages', 'max_tokens', false],
    ];
    it.each(cases)('%s / %s → %s', (provider, protocol, field, deletesMaxTokens) => {
      const body = protocol === 'openai-responses' ? { input: 'x' } : { messages: [] };
      const r = build(
        { ...body, max_tokens: 5, [field]: 7 },
        { provider, protocol, override: { llm_options: { max_tokens: 100 } } },
      );
      expect(r.json[field]).toBe(100);
      if (deletesMaxTokens) expect(r.json).not.toHaveProperty('max_tokens');
      else if (field !== 'max_tokens') expect(r.json.max_tokens).toBe(5);
    });

    it('does nothing where the provider has no field (embeddings)', () => {
      const raw = Buffer.from('{"input":"x"}');
      const out = buildUpstreamBody({
        raw,
        body: { input: 'x' },
        protocol: 'openai-embeddings',
        targetProtocol: 'openai-embeddings',
        provider: 'openai',
        override: { llm_options: { max_tokens: 10 } },
      });
      expect(out.bytes).toBe(raw);
    });
  });

  describe('step 5: request_body deep merge', () => {
    const client = {
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 1,
      nested: { keep: 1, replace: 'client', deep: { a: 1 } },
      list: [1, 2],
    };
    const patch = {
      temperature: 0,
      top_p: 0.5,
      nested: { replace: 'patch', added: true, deep: { b: 2 } },
      list: [3],
      messages: [],
    };

    it('client wins by default; the patch only fills missing fields (recursively)', () => {
      const r = build(client, { override: { request_body: { 'openai-chat': patch } } });
      expect(r.json).toEqual({
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 1,
        top_p: 0.5,
        nested: { keep: 1, replace: 'client', added: true, deep: { a: 1, b: 2 } },
        list: [1, 2],
      });
    });

    it('with request_body_force_override the patch wins; arrays replace wholesale', () => {
      const r = build(client, {
        override: { request_body: { 'openai-chat': patch }, request_body_force_override: true },
      });
      expect(r.json).toEqual({
        messages: [],
        temperature: 0,
        top_p: 0.5,
        nested: { keep: 1, replace: 'patch', added: true, deep: { a: 1, b: 2 } },
        list: [3],
      });
    });

    it('uses the entry of the target protocol only', () => {
      const r = build(
        { input: 'x' },
        {
          protocol: 'openai-responses',
          override: { request_body: { 'openai-chat': { a: 1 }, 'openai-responses': { b: 2 } } },
        },
      );
      expect(r.json).toEqual({ input: 'x', b: 2 });
    });

    it('runs after options and llm_options (force can override both)', () => {
      const r = build(
        { messages: [] },
        {
          options: { model: 'from-options' },
          override: {
            llm_options: { max_tokens: 10 },
            request_body: { 'openai-chat': { model: 'from-patch', max_completion_tokens: 1 } },
            request_body_force_override: true,
          },
        },
      );
      expect(r.json).toEqual({ messages: [], model: 'from-patch', max_completion_tokens: 1 });
      expect(r.model).toBe('from-options');
    });

    it('never mutates the override patch', () => {
      const p = { nested: { a: 1 } };
      const r = build({ messages: [] }, { override: { request_body: { 'openai-chat': p } } });
      (r.json.nested as Record<string, unknown>).a = 2;
      expect(p).toEqual({ nested: { a: 1 } });
    });
  });

  it('step 6: azure-openai removes model (after the patch), llm_model still reported', () => {
    const r = build(
      { messages: [], model: 'client' },
      {
        provider: 'azure-openai',
        options: { model: 'opt' },
        override: {
          request_body: { 'openai-chat': { model: 'patch' } },
          request_body_force_override: true,
        },
      },
    );
    expect(r.json).toEqual({ messages: [] });
    expect(r.model).toBe('opt');
    const untouched = build({ messages: [] }, { provider: 'azure-openai' });
    expect(untouched.changed).toBe(false);
  });

  it('step 7: changed bodies are canonical JSON (keys sorted at every depth)', () => {
    const r = build(
      { z: 1, messages: [{ role: 'user', content: 'x' }], a: { d: 1, c: [{ f: 1, e: 2 }] } },
      {
        options: { b: true },
      },
    );
    expect(r.text).toBe(
      '{"a":{"c":[{"e":2,"f":1}],"d":1},"b":true,"messages":[{"content":"x","role":"user"}],"z":1}',
    );
  });

  it('step 7: parts already in order and integer-like keys give the bytes of a full re-sort', () => {
    const resort = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(resort)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                .map(([k, x]) => [k, resort(x)]),
            )
          : v;
    const body = {
      a: { b: 1, c: { d: 0, e: [{ g: 1, f: 2 }, { h: 1 }] } },
      messages: [
        { content: 'x', role: 'user' },
        { role: 'assistant', content: 'y' },
      ],
      '10': 1,
      '2': { y: 1, x: [2, { q: 1, p: 0 }] },
    };
    const r = build(body, { options: { b: true } });
    expect(r.text).toBe(JSON.stringify(resort({ ...body, b: true })));
  });

  it('never mutates the instance options, even when the patch merges into one of them', () => {
    const options = { extra: { a: 1 }, list: [{ z: 1, y: 2 }] };
    const snapshot = JSON.parse(JSON.stringify(options)) as unknown;
    const r = build(
      { messages: [] },
      { options, override: { request_body: { 'openai-chat': { extra: { b: 2 } } } } },
    );
    expect(r.json.extra).toEqual({ a: 1, b: 2 });
    expect(options).toEqual(snapshot);
  });

  it('never mutates the client body', () => {
    const body = {
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      model: 'client',
      max_tokens: 3,
      nested: { a: 1 },
    };
    const snapshot = JSON.parse(JSON.stringify(body)) as unknown;
    build(body, {
      provider: 'azure-openai',
      options: { model: 'x', extra: { y: 1 } },
      override: {
        llm_options: { max_tokens: 9 },
        request_body: { 'openai-chat': { nested: { b: 2 } } },
        request_body_force_override: true,
      },
    });
    build(body, { provider: 'openai', override: { llm_options: { max_tokens: 9 } } });
    expect(body).toEqual(snapshot);
  });

  it('treats __proto__ keys as plain data', () => {
    const body = JSON.parse('{"messages":[],"__proto__":{"polluted":true}}') as Record<
      string,
      unknown
    >;
    const r = buildUpstreamBody({
      raw: Buffer.from('{}'),
      body,
      protocol: 'openai-chat',
      targetProtocol: 'openai-chat',
      provider: 'openai',
      options: JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>,
    });
    expect(r.bytes.toString()).toBe('{"__proto__":{"x":1},"messages":[]}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
