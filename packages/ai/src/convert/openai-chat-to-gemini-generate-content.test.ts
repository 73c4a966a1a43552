import { openaiChat } from '../protocols';
import { createSseParser } from '../sse';
import {
  geminiHeaders,
  openaiChatToGeminiGenerateContent as c,
} from './openai-chat-to-gemini-generate-content';
import { createStreamReframer } from './reframe';
import type { ClientEvent } from './types';

const datas = (events: ClientEvent[]) =>
  events.map((e) =>
    e.data === '[DONE]' ? '[DONE]' : (JSON.parse(e.data) as Record<string, unknown>),
  );
const ev = (payload: Record<string, unknown>) => ({
  event: 'message',
  data: JSON.stringify(payload),
});

describe('openai-chat → gemini generateContent: request', () => {
  it('system → systemInstruction, user/assistant → contents, sampling → generationConfig', () => {
    const body = {
      model: 'gemini-2.0-flash',
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'What is 1+1?' },
        { role: 'assistant', content: '2' },
        { role: 'user', content: 'And 2+2?' },
      ],
      max_completion_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      stream: true,
      stream_options: { include_usage: true },
    };
    expect(c.request(body)).toEqual({
      systemInstruction: { parts: [{ text: 'You are a mathematician' }, { text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'What is 1+1?' }] },
        { role: 'model', parts: [{ text: '2' }] },
        { role: 'user', parts: [{ text: 'And 2+2?' }] },
      ],
      generationConfig: {
        maxOutputTokens: 64,
        temperature: 0.2,
        topP: 0.9,
        stopSequences: ['END'],
      },
    });
    // Input untouched.
    expect(body.messages).toHaveLength(5);
  });

  it('max_tokens when max_completion_tokens is absent; stop list; n, seed, penalties, json mode', () => {
    expect(
      c.request({
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 10,
        stop: ['a', 'b'],
        n: 2,
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: 0.25,
        response_format: { type: 'json_object' },
      }).generationConfig,
    ).toEqual({
      maxOutputTokens: 10,
      stopSequences: ['a', 'b'],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      responseMimeType: 'application/json',
    });
  });

  it('tools → functionDeclarations (unsupported schema keywords dropped), tool_choice → toolConfig', () => {
    const out = c.request({
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather of a city',
            strict: true,
            parameters: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: { city: { type: 'string' }, strict: { type: 'boolean' } },
              required: ['city'],
              additionalProperties: false,
            },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(out.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather of a city',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' }, strict: { type: 'boolean' } },
              required: ['city'],
            },
          },
        ],
      },
    ]);
    expect(out.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
    const modes = ['auto', 'none', 'required'].map(
      (choice) =>
        (
          c.request({ messages: [{ role: 'user', content: 'x' }], tool_choice: choice })
            .toolConfig as {
            functionCallingConfig: { mode: string };
          }
        ).functionCallingConfig.mode,
    );
    expect(modes).toEqual(['AUTO', 'NONE', 'ANY']);
  });

  it('tool calls → functionCall parts; tool results → one user turn of functionResponse parts', () => {
    const out = c.request({
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: 'noon' },
        { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
      ],
    });
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_time', response: { content: 'noon' } } },
          { text: 'thanks' },
        ],
      },
    ]);
  });

  it('images: data URL → inlineData, URL → fileData', () => {
    const out = c.request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } },
          ],
        },
      ],
    });
    expect(out.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'what is this?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
        ],
      },
    ]);
  });

  it('refuses a body without messages or with malformed tool arguments', () => {
    expect(() => c.request({})).toThrow('missing messages');
    expect(() => c.request({ messages: [{ role: 'system', content: 'only system' }] })).toThrow(
      'missing messages',
    );
    expect(() =>
      c.request({
        messages: [
          { role: 'assistant', tool_calls: [{ id: 'x', function: { name: 'f', arguments: '{' } }] },
        ],
      }),
    ).toThrow('invalid tool_calls arguments at message 1');
  });

  it('headers: gemini moves a bearer key to x-goog-api-key; vertex-ai keeps authorization', () => {
    const gemini: Record<string, string> = {
      authorization: 'Bearer AIza-key',
      'x-stainless-os': 'Linux',
      'openai-organization': 'o',
      'content-type': 'application/json',
    };
    geminiHeaders(gemini, 'gemini');
    expect(gemini).toEqual({ 'x-goog-api-key': 'AIza-key', 'content-type': 'application/json' });
    const configured: Record<string, string> = {
      authorization: 'Bearer client',
      'x-goog-api-key': 'from-auth-header',
    };
    geminiHeaders(configured, 'gemini');
    expect(configured).toEqual({ 'x-goog-api-key': 'from-auth-header' });
    const vertex: Record<string, string> = { authorization: 'Bearer token' };
    c.headers?.(vertex, 'vertex-ai');
    expect(vertex).toEqual({ authorization: 'Bearer token' });
  });
});

describe('openai-chat → gemini generateContent: response', () => {
  it('text, finishReason and usageMetadata (cached and thinking tokens) → chat completion', () => {
    const out = c.response(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ text: 'thinking…', thought: true }, { text: '1 + 1 ' }, { text: '= 2.' }],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: 23,
          candidatesTokenCount: 8,
          thoughtsTokenCount: 4,
          cachedContentTokenCount: 10,
          totalTokenCount: 35,
        },
        modelVersion: 'gemini-2.0-flash-001',
        responseId: 'resp-1',
      },
      { model: 'gemini-2.0-flash' },
    );
    expect(out).toMatchObject({
      id: 'resp-1',
      object: 'chat.completion',
      model: 'gemini-2.0-flash-001',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: '1 + 1 = 2.', reasoning_content: 'thinking…' },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 23,
        completion_tokens: 12,
        total_tokens: 35,
        prompt_tokens_details: { cached_tokens: 10 },
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    });
    // The client protocol's reader sees exactly Gemini's counts.
    expect(openaiChat.usageFromResponse(out).usage).toMatchObject({
      prompt_tokens: 23,
      completion_tokens: 12,
      total_tokens: 35,
      cache_read_input_tokens: 10,
    });
  });

  it('functionCall parts → tool_calls with finish_reason tool_calls', () => {
    const out = c.response(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
      },
      { model: 'gemini-2.0-flash' },
    );
    const choice = (out.choices as Record<string, unknown>[])[0] as {
      message: { content: unknown; tool_calls: { id: string; type: string; function: unknown }[] };
      finish_reason: string;
    };
    expect(out.model).toBe('gemini-2.0-flash');
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/) as unknown,
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
    ]);
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['OTHER', 'stop'],
    ['STOP', 'stop'],
  ])('finishReason %s → %s', (reason, finish) => {
    const out = c.response(
      { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: reason }] },
      {},
    );
    expect((out.choices as { finish_reason: string }[])[0]?.finish_reason).toBe(finish);
  });

  it('a blocked prompt (no candidate) → content_filter with zero usage counts kept', () => {
    const out = c.response(
      {
        promptFeedback: { blockReason: 'SAFETY' },
        usageMetadata: { promptTokenCount: 6, totalTokenCount: 6 },
      },
      {},
    );
    expect(out.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ]);
    expect(out.usage).toEqual({ prompt_tokens: 6, completion_tokens: 0, total_tokens: 6 });
  });

  it("Google's error body → OpenAI's error shape", () => {
    const google = {
      error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' },
    };
    expect(c.error(google, 400, JSON.stringify(google))).toEqual({
      error: {
        message: 'API key not valid.',
        type: 'invalid_request_error',
        code: 'INVALID_ARGUMENT',
        param: null,
      },
    });
    expect(c.error(undefined, 503, 'Service Unavailable')).toEqual({
      error: { message: 'Service Unavailable', type: 'api_error', code: null, param: null },
    });
  });
});

describe('openai-chat → gemini generateContent: stream', () => {
  const usage = { promptTokenCount: 7, candidatesTokenCount: 5, totalTokenCount: 12 };

  it('re-frames each GenerateContentResponse event by event; usage chunk and [DONE] at the end', () => {
    const s = c.createStreamConverter({ model: 'gemini-2.0-flash' });
    const first = datas(
      s.push(
        ev({
          candidates: [{ content: { role: 'model', parts: [{ text: 'Two' }] } }],
          responseId: 'r1',
          modelVersion: 'gemini-2.0-flash-001',
        }),
      ),
    );
    expect(first).toMatchObject([
      {
        id: 'r1',
        object: 'chat.completion.chunk',
        model: 'gemini-2.0-flash-001',
        choices: [{ delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
      { id: 'r1', choices: [{ delta: { content: 'Two' }, finish_reason: null }] },
    ]);
    expect(
      datas(s.push(ev({ candidates: [{ content: { parts: [{ text: ', as' }] } }] }))),
    ).toMatchObject([{ choices: [{ delta: { content: ', as' } }] }]);
    const last = datas(
      s.push(
        ev({
          candidates: [{ content: { parts: [{ text: ' always.' }] }, finishReason: 'STOP' }],
          usageMetadata: usage,
        }),
      ),
    );
    expect(last).toMatchObject([
      { choices: [{ delta: { content: ' always.' }, finish_reason: null }] },
      { choices: [{ delta: {}, finish_reason: 'stop' }] },
    ]);
    expect(datas(s.end())).toEqual([
      {
        id: 'r1',
        object: 'chat.completion.chunk',
        created: expect.any(Number) as unknown,
        model: 'gemini-2.0-flash-001',
        choices: [],
        usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
      },
      '[DONE]',
    ]);
  });

  it('a functionCall event → one tool_calls chunk per call, finish tool_calls', () => {
    const s = c.createStreamConverter({});
    const out = datas(
      s.push(
        ev({
          candidates: [
            {
              content: {
                parts: [
                  { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
                  { functionCall: { name: 'get_time', args: {} } },
                ],
              },
              finishReason: 'STOP',
            },
          ],
          usageMetadata: usage,
        }),
      ),
    );
    expect(out).toMatchObject([
      { choices: [{ delta: { role: 'assistant' } }] },
      {
        choices: [
          {
            delta: {
              tool_calls: [
                {
                  index: 0,
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                },
              ],
            },
          },
        ],
      },
      {
        choices: [
          {
            delta: { tool_calls: [{ index: 1, function: { name: 'get_time', arguments: '{}' } }] },
          },
        ],
      },
      { choices: [{ delta: {}, finish_reason: 'tool_calls' }] },
    ]);
  });

  it('a stream that ends before a finish reason gets no usage chunk nor [DONE] (a cut)', () => {
    const s = c.createStreamConverter({});
    s.push(ev({ candidates: [{ content: { parts: [{ text: 'Hel' }] } }] }));
    expect(s.end()).toEqual([]);
  });

  it('an error event → an OpenAI error chunk', () => {
    const s = c.createStreamConverter({});
    expect(
      datas(s.push(ev({ error: { code: 500, message: 'Internal error', status: 'INTERNAL' } }))),
    ).toEqual([
      { error: { message: 'Internal error', type: 'api_error', code: 'INTERNAL', param: null } },
    ]);
  });

  it("bytes in, bytes out: the client protocol's reader gets the text, the usage and [DONE]", () => {
    const upstream =
      `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'Two' }] } }] })}\r\n\r\n` +
      `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: '!' }] }, finishReason: 'STOP' }], usageMetadata: usage })}\r\n\r\n`;
    const reframer = createStreamReframer(c, { model: 'm' });
    const bytes = Buffer.concat([
      reframer.push(Buffer.from(upstream.slice(0, 20))),
      reframer.push(Buffer.from(upstream.slice(20))),
      reframer.end(),
    ]).toString();
    const reader = openaiChat.createStreamReader();
    let text = '';
    let done = false;
    let total: number | undefined;
    createSseParser((e) => {
      const seen = reader.onEvent(e);
      text += seen.text ?? '';
      if (seen.done) done = true;
      if (seen.usage) total = seen.usage.total_tokens;
    }).push(Buffer.from(bytes));
    expect(text).toBe('Two!');
    expect(total).toBe(12);
    expect(done).toBe(true);
  });
});
