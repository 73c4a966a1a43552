import { converterFor } from './index';
import { ProtocolConversionError } from './types';

const c = converterFor('openai-embeddings', 'vertex-predict');
if (!c) throw new Error('openai-embeddings → vertex-predict is not registered');

const PREDICTIONS = {
  predictions: [
    { embeddings: { values: [0.5, -0.25], statistics: { token_count: 3, truncated: false } } },
    { embeddings: { values: [1, 0], statistics: { token_count: 4, truncated: false } } },
  ],
};

describe('openai-embeddings → vertex-predict (APISIX 3.18 converter)', () => {
  it('request: strings and token lists become instances; input is required', () => {
    expect(c.request({ model: 'm', input: 'hello' })).toEqual({
      instances: [{ content: 'hello' }],
    });
    expect(c.request({ input: ['a', [1, 2, 3]] })).toEqual({
      instances: [{ content: 'a' }, { content: '1 2 3' }],
    });
    expect(() => c.request({ model: 'm' })).toThrow(ProtocolConversionError);
    expect(() => c.request({ input: 7 })).toThrow('`input` must be a string or an array');
    expect(() => c.request({ input: ['a', {}] })).toThrow('unsupported input type at index 1');
  });

  it('response: an OpenAI list with the summed token_count as usage', () => {
    expect(c.response(PREDICTIONS, { model: 'text-embedding-005' })).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1, 0] },
      ],
      model: 'text-embedding-005',
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });

  it('response: base64 float32 when the client asked for it (the OpenAI SDK default)', () => {
    const out = c.response(PREDICTIONS, { clientBody: { encoding_format: 'base64' } }) as {
      data: { embedding: string }[];
    };
    const bytes = Buffer.from(out.data[0]?.embedding ?? '', 'base64');
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([0.5, -0.25]);
  });

  it("response without predictions is a conversion error; Google's error becomes OpenAI's", () => {
    expect(() => c.response({}, {})).toThrow('vertex response missing predictions');
    expect(
      c.error(
        { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } },
        429,
        '',
      ),
    ).toEqual({ error: { message: 'Quota exceeded', type: 'upstream_error', code: null } });
  });
});
