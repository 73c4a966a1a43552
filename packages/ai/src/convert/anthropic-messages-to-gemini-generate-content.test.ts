import { anthropicMessages } from '../protocols';
import { createSseParser } from '../sse';
import { anthropicMessagesToGeminiGenerateContent as c } from './anthropic-messages-to-gemini-generate-content';
import { chainConverters } from './chain';
import { openaiChatToAnthropicMessages } from './openai-chat-to-anthropic-messages';
import { openaiChatToGeminiGenerateContent } from './openai-chat-to-gemini-generate-content';
import { createStreamReframer } from './reframe';

const ev = (payload: Record<string, unknown>) => ({
  event: 'message',
  data: JSON.stringify(payload),
});

describe('anthropic-messages → gemini generateContent (chained through openai-chat)', () => {
  it('request: system, messages, tool_use / tool_result, tools, max_tokens, stop_sequences', () => {
    const out = c.request({
      model: 'claude-sonnet-4',
      system: [{ type: 'text', text: 'You are a mathematician' }],
      max_tokens: 256,
      stop_sequences: ['END'],
      temperature: 0.3,
      stream: true,
      tools: [
        {
          name: 'get_weather',
          description: 'Weather of a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"temp":21}' }],
        },
      ],
    });
    expect(out).toEqual({
      systemInstruction: { parts: [{ text: 'You are a mathematician' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather of a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      generationConfig: { maxOutputTokens: 256, temperature: 0.3, stopSequences: ['END'] },
    });
  });

  it('response: a Gemini answer becomes an Anthropic message with usage', () => {
    const out = c.response(
      {
        candidates: [
          {
            content: {
              parts: [
                { text: 'Sunny.' },
                { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 },
      },
      { model: 'gemini-2.0-flash' },
    );
    expect(out).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'text', text: 'Sunny.' },
        { type: 'tool_use', name: 'get_weather', input: { city: 'Rome' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 9, output_tokens: 4 },
    });
    expect(anthropicMessages.usageFromResponse(out).usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 4,
    });
  });

  it("errors: Google's error → Anthropic's error shape", () => {
    const google = {
      error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' },
    };
    expect(c.error(google, 429, JSON.stringify(google))).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Quota exceeded' },
    });
  });

  it('stream: Gemini events → message_start … message_stop, usage in message_delta', () => {
    const s = c.createStreamConverter({ model: 'gemini-2.0-flash' });
    const types = (events: { event?: string }[]) => events.map((e) => e.event);
    expect(types(s.push(ev({ candidates: [{ content: { parts: [{ text: 'Two' }] } }] })))).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
    ]);
    const last = s.push(
      ev({
        candidates: [{ content: { parts: [{ text: '!' }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 5, totalTokenCount: 12 },
      }),
    );
    expect(types(last)).toEqual(['content_block_delta', 'content_block_stop']);
    // Gemini has no terminator: its end brings the usage chunk and [DONE] of the middle stream.
    const end = s.end();
    expect(types(end)).toEqual(['message_delta', 'message_stop']);
    expect(JSON.parse(end[0]?.data ?? '{}')).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { input_tokens: 7, output_tokens: 5 },
    });
  });

  it("bytes through the reframer: the Anthropic reader gets text, usage and the stream's end", () => {
    const upstream = `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 } })}\r\n\r\n`;
    const r = createStreamReframer(c, {});
    const bytes = Buffer.concat([r.push(Buffer.from(upstream)), r.end()]);
    const reader = anthropicMessages.createStreamReader();
    let text = '';
    let done = false;
    let usage: unknown;
    createSseParser((e) => {
      const seen = reader.onEvent(e);
      text += seen.text ?? '';
      done ||= seen.done === true;
      usage = seen.usage ?? usage;
    }).push(bytes);
    expect(text).toBe('Hi');
    expect(done).toBe(true);
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
  });

  it('headers: anthropic-* and x-api-key dropped, the gemini key as x-goog-api-key', () => {
    const h: Record<string, string> = {
      'x-api-key': 'client-key',
      'anthropic-version': '2023-06-01',
      authorization: 'Bearer AIza',
    };
    c.headers?.(h, 'gemini');
    expect(h).toEqual({ 'x-goog-api-key': 'AIza' });
  });

  it('refuses to chain converters whose middle protocols differ', () => {
    expect(() =>
      chainConverters(openaiChatToAnthropicMessages, openaiChatToGeminiGenerateContent),
    ).toThrow('cannot chain');
  });
});
