import { detectProtocol, geminiGenerateContent as g, getProtocol, PROTOCOL_NAMES } from './index';
import { generateContentPath } from './gemini-generate-content';

describe('gemini-generate-content protocol module (a conversion target only)', () => {
  it('is never detected as a client protocol, but is registered', () => {
    expect(PROTOCOL_NAMES).not.toContain('gemini-generate-content');
    expect(detectProtocol('/v1beta/models/m:generateContent', { contents: [] })).not.toBe(
      'gemini-generate-content',
    );
    expect(getProtocol('gemini-generate-content')).toBe(g);
  });

  it('finishTarget moves OpenAI-style fields into generationConfig and drops model/stream', () => {
    const body: Record<string, unknown> = {
      contents: [],
      generationConfig: { topP: 0.5 },
      model: 'gemini-2.0-flash',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 10,
      temperature: 0.1,
      top_k: 3,
      stop: 'X',
    };
    g.finishTarget?.(body);
    expect(body).toEqual({
      contents: [],
      generationConfig: {
        topP: 0.5,
        maxOutputTokens: 10,
        temperature: 0.1,
        topK: 3,
        stopSequences: ['X'],
      },
    });
  });

  it('usage: thinking counts as completion, cached tokens kept, total from totalTokenCount', () => {
    expect(
      g.usageFromResponse({
        usageMetadata: {
          promptTokenCount: 10,
          candidatesTokenCount: 3,
          thoughtsTokenCount: 2,
          cachedContentTokenCount: 4,
          totalTokenCount: 15,
        },
      }).usage,
    ).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      cache_read_input_tokens: 4,
      reasoning_tokens: 2,
    });
    expect(
      g.responseText({ candidates: [{ content: { parts: [{ text: 'a' }, { text: 'b' }] } }] }),
    ).toBe('a b');
  });

  it('generateContentPath: placeholders escaped, method by stream, undefined when one is missing', () => {
    expect(
      generateContentPath(
        '/v1/projects/{project_id}/locations/{region}/publishers/google/models/{model}:generateContent',
        { project_id: 'p/1', region: 'r', model: 'm' },
        true,
      ),
    ).toBe('/v1/projects/p%2F1/locations/r/publishers/google/models/m:streamGenerateContent');
    expect(
      generateContentPath('/v1beta/models/{model}:generateContent', {}, false),
    ).toBeUndefined();
    expect(generateContentPath('/x/models/m:streamGenerateContent', {}, false)).toBe(
      '/x/models/m:generateContent',
    );
  });
});
