import { DEFAULT_BEHAVIOUR } from '../behaviour';
import { isAuthorised } from '../auth';
import type { Behaviour } from '../types';
import type { Reply } from './common';
import { geminiGenerateContent as g } from './gemini-generate-content';
import { protocolFor } from './index';

const BODY = {
  systemInstruction: { parts: [{ text: 'You are a mathematician' }] },
  contents: [{ role: 'user', parts: [{ text: 'What is 1+1?' }] }],
};
const GEN = '/v1beta/models/gemini-2.0-flash:generateContent';
const STREAM = '/v1beta/models/gemini-2.0-flash:streamGenerateContent';

function run(path: string, query = '', b: Partial<Behaviour> = {}): Reply {
  return g.reply({
    name: 'a',
    behaviour: { ...DEFAULT_BEHAVIOUR, ...b },
    body: BODY,
    path,
    query: new URLSearchParams(query),
  });
}

describe('mock gemini generateContent', () => {
  it.each([
    GEN,
    STREAM,
    '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent',
  ])('POST %s is Gemini', (path) => {
    expect(protocolFor('POST', path)?.name).toBe('gemini-generate-content');
  });

  it('answers a GenerateContentResponse with usageMetadata and the path model', () => {
    const reply = run(GEN, '', { usage: { prompt: 7, completion: 5 }, content: 'Two.' });
    if (reply.kind !== 'json') throw new Error('expected json');
    expect(JSON.parse(reply.body)).toMatchObject({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Two.' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 5, totalTokenCount: 12 },
      modelVersion: 'gemini-2.0-flash',
    });
  });

  it('streams SSE with alt=sse: one response per piece, the last with STOP and usage', () => {
    const reply = run(STREAM, 'alt=sse', {
      content: 'Hello world',
      usage: { prompt: 3, completion: 3 },
    });
    if (reply.kind !== 'sse') throw new Error('expected sse');
    const payloads = reply.events.map(
      (e) => JSON.parse(/^data: (.*)$/m.exec(e.text.toString())?.[1] ?? '') as Record<string, any>,
    );
    expect(payloads.map((p) => p.candidates[0].content.parts[0].text).join('')).toBe('Hello world');
    expect(payloads.at(-1)).toMatchObject({
      candidates: [{ finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 3, totalTokenCount: 6 },
    });
    expect(payloads[0]?.usageMetadata).toBeUndefined();
  });

  it('without alt=sse the stream method answers one JSON array', () => {
    const reply = run(STREAM, '');
    if (reply.kind !== 'json') throw new Error('expected json');
    expect(Array.isArray(JSON.parse(reply.body))).toBe(true);
  });

  it("refuses a body without contents in Google's error shape", () => {
    const refusal = g.invalid({ messages: [] });
    expect(refusal).toBeDefined();
    expect(JSON.parse(g.errorBody(400, refusal ?? { message: '' }))).toEqual({
      error: {
        code: 400,
        message: '* GenerateContentRequest.contents: contents is not specified',
        status: 'INVALID_ARGUMENT',
      },
    });
  });

  it('accepts the key as x-goog-api-key (and ?key=)', () => {
    expect(isAuthorised(['k'], { 'x-goog-api-key': 'k' }, new URLSearchParams())).toBe(true);
    expect(isAuthorised(['k'], {}, new URLSearchParams('key=k'))).toBe(true);
    expect(isAuthorised(['k'], { 'x-goog-api-key': 'x' }, new URLSearchParams())).toBe(false);
  });
});
