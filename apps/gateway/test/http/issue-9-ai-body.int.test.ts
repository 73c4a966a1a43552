/**
 * Issue 9, items 2 and 5 (gateway side): what ai-proxy and ai-proxy-multi answer for bodies that
 * nest too deeply or are JSON but not an object. Through the worker's HTTP server, the real
 * plugins and a mock LLM.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { httpRequest, type HttpReply } from '@tollgate/testkit';
import { DataPlane } from './harness';

jest.setTimeout(60_000);

let plane: DataPlane;
let llm: MockLlm;

const CHAT = { messages: [{ role: 'user', content: 'What is 1+1?' }] };
const auth = { header: { Authorization: 'Bearer sk-test' } };

beforeAll(async () => {
  llm = await startMockLlm({ name: 'deep', apiKeys: ['sk-test'] });
  plane = await new DataPlane().start();
  const endpoint = `${llm.url}/v1/chat/completions`;
  plane.load({
    'routes/proxy': {
      uri: '/proxy',
      // `options` makes the plugin rebuild the body (deep copy, merge, canonical encoding).
      plugins: {
        'ai-proxy': {
          provider: 'openai',
          auth,
          options: { model: 'gpt-4' },
          override: { endpoint },
        },
      },
    },
    'routes/multi': {
      uri: '/multi',
      plugins: {
        'ai-proxy-multi': {
          instances: [
            {
              name: 'only',
              provider: 'openai',
              weight: 1,
              auth,
              options: { model: 'gpt-4' },
              override: { endpoint },
            },
          ],
        },
      },
    },
  });
});

afterAll(async () => {
  await plane?.close();
  await llm?.close();
});

const post = (uri: string, raw: string): Promise<HttpReply> =>
  httpRequest('POST', plane.url(uri), { raw, headers: { 'content-type': 'application/json' } });

const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** A valid chat request whose extra field brings the whole body to `depth` levels. */
const chatNestedTo = (depth: number) =>
  `{"messages":[{"role":"user","content":"hi"}],"metadata":${arrays(depth - 1)}}`;

describe.each(['/proxy', '/multi'])('issue 9 on %s', (uri) => {
  it('item 2: a 100,000-deep body is a 400 with a JSON message, not a 500', async () => {
    for (const raw of [arrays(100_000), objects(100_000), chatNestedTo(100_000)]) {
      const res = await post(uri, raw);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      const message = expect.stringMatching(
        /^could not parse JSON request body: too many nested arrays or objects \(more than 1000\) at character \d+$/,
      ) as unknown;
      // APISIX's message, plus OpenAI's error object on an AI route (issue 16).
      expect(res.json).toEqual({
        message,
        error: { message, type: 'invalid_request_error', code: null },
      });
    }
    expect((await post(uri, JSON.stringify(CHAT))).status).toBe(200);
  });

  it('item 2: a body nested exactly 1000 levels deep is proxied', async () => {
    llm.clear();
    const res = await post(uri, chatNestedTo(1000));
    expect(res.status).toBe(200);
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]?.body).toContain(arrays(999));
  });

  it('item 5: JSON that is not an object is a 400 with a JSON message', async () => {
    for (const raw of ['[1,2]', 'null', '"str"', '123', 'true', '[]']) {
      const res = await post(uri, raw);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      const message = 'request body must be a JSON object';
      expect(res.json).toEqual({
        message,
        error: { message, type: 'invalid_request_error', code: null },
      });
    }
  });

  it('an object matching no protocol keeps APISIX plain-text answer (spec §1.8)', async () => {
    const res = await post(uri, '{}');
    expect(res.status).toBe(400);
    expect(res.text).toBe('no matching AI protocol for the request');
  });
});
