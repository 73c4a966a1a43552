/**
 * ai-prompt-template end to end (issue 13): APISIX 3.18's t/plugin/ai-prompt-template.t, each
 * test named after the APISIX TEST it ports, through a real node configured via the Admin API
 * with ai-proxy to the mock LLM. APISIX's tests read the rendered body back from an echo
 * upstream; here the mock LLM's record of the body it received shows it. The rendered template
 * replaces the whole body, whatever the protocol: OpenAI chat, the Responses API and Anthropic
 * messages templates are rendered for routes of each.
 */
import { PATHS, startPromptNode, type PromptNode, type Protocol } from './support/prompt-node';
import { withClientError } from '../support/client-error';

jest.setTimeout(120_000);

let node: PromptNode;

beforeAll(async () => {
  node = await startPromptNode('ai-prompt-template-e2e');
});
afterAll(async () => {
  await node?.close();
});
beforeEach(() => {
  node.llm.clear();
});

const TEMPLATES = [
  {
    name: 'programming question',
    template: {
      model: 'some model',
      messages: [
        { role: 'system', content: 'You are a {{ language }} programmer.' },
        { role: 'user', content: 'Write a {{ program_name }} program.' },
      ],
    },
  },
  {
    name: 'level of detail',
    template: {
      model: 'some model',
      messages: [{ role: 'user', content: 'Explain about {{ topic }} in {{ level }}.' }],
    },
  },
];

let seq = 0;
async function templated(
  templates: unknown,
  protocol: Protocol = 'chat',
  plugins: Record<string, unknown> = {},
) {
  const id = `pt${++seq}`;
  return node.route(id, PATHS[protocol], {
    plugins: {
      'ai-prompt-template': { templates },
      'ai-proxy': node.aiProxy(protocol),
      ...plugins,
    },
  });
}

/** POST `body` and return the body the LLM received (the request must have reached it). */
async function received(uri: string, body: unknown): Promise<unknown> {
  node.llm.clear();
  const res = await node.post(uri, body);
  expect(res.status).toBe(200);
  return node.onlyCall().json;
}

const explain = (text: string) => ({
  model: 'some model',
  messages: [{ role: 'user', content: text }],
});

describe('ai-prompt-template.t', () => {
  let uri: string;

  it('TESTs 1, 4: templates are accepted by the Admin API', async () => {
    uri = await templated(TEMPLATES);
    const stored = await node.admin.get(`/apisix/admin/routes/pt${seq}`);
    expect(stored.status).toBe(200);
    expect(
      (stored.json as { value: { plugins: Record<string, { templates: unknown }> } }).value.plugins[
        'ai-prompt-template'
      ]?.templates,
    ).toEqual(TEMPLATES);
  });

  it('TEST 2: an empty templates list is refused', async () => {
    const res = await node.putRoute('pt-admin', {
      uri: '/pt-admin/v1/chat/completions',
      plugins: { 'ai-prompt-template': { templates: [] }, 'ai-proxy': node.aiProxy('chat') },
    });
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toMatch(
      /property "templates" validation failed: expect array to have at least 1 items/,
    );
  });

  it('TEST 3: the named template replaces the body, variables filled in', async () => {
    const body = {
      template_name: 'programming question',
      language: 'python',
      program_name: 'quick sort',
    };
    expect(await received(uri, body)).toEqual({
      model: 'some model',
      messages: [
        { role: 'system', content: 'You are a python programmer.' },
        { role: 'user', content: 'Write a quick sort program.' },
      ],
    });
  });

  it('TEST 5: the second template', async () => {
    const body = { template_name: 'level of detail', topic: 'psychology', level: 'brief' };
    expect(await received(uri, body)).toEqual(explain('Explain about psychology in brief.'));
  });

  it('TEST 6: missing variables render as nothing', async () => {
    const body = {
      template_name: 'level of detail',
      'topic-missing': 'psychology',
      'level-missing': 'brief',
    };
    expect(await received(uri, body)).toEqual(explain('Explain about  in .'));
  });

  it('TEST 7: an unknown template is refused', async () => {
    const res = await node.post(uri, { template_name: 'random', 'some-key': 'some-value' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(withClientError({ message: 'template: random not configured.' }, 400));
    expect(node.llm.requests).toHaveLength(0);
  });

  it('TEST 8: a request without template_name is refused', async () => {
    const res = await node.post(uri, { 'missing-template-name': 'haha' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(
      withClientError({ message: 'template name is missing in request.' }, 400),
    );
    expect(node.llm.requests).toHaveLength(0);
  });

  it('TEST 9: the same template name on five routes never leaks between them', async () => {
    const uris: string[] = [];
    for (let i = 1; i <= 5; i++) {
      uris.push(
        await templated([
          {
            name: 'same name',
            template: {
              model: 'some model',
              messages: [{ role: 'system', content: `Field: {{ field }} in route${i}.` }],
            },
          },
        ]),
      );
    }
    for (const [i, routeUri] of uris.entries()) {
      expect(await received(routeUri, { template_name: 'same name', field: 'foo' })).toEqual({
        model: 'some model',
        messages: [{ role: 'system', content: `Field: foo in route${i + 1}.` }],
      });
    }
  });

  it('fields not in the template (stream, temperature) are dropped: the whole body is replaced', async () => {
    const body = {
      template_name: 'level of detail',
      topic: 'TLS',
      level: 'depth',
      stream: true,
      temperature: 0.1,
    };
    expect(await received(uri, body)).toEqual(explain('Explain about TLS in depth.'));
  });

  it("values are HTML-escaped as lua-resty-template's {{ }} escapes them, and the JSON stays valid", async () => {
    const body = {
      template_name: 'level of detail',
      topic: 'a "quoted" <tag> & c/d',
      level: 'x\\y\nz',
    };
    expect(await received(uri, body)).toEqual(
      explain('Explain about a &quot;quoted&quot; &lt;tag&gt; &amp; c&#47;d in x\\y\nz.'),
    );
  });
});

describe('ai-prompt-template: beyond the APISIX file', () => {
  it('a dotted path reads a nested field; through a missing one it is a 503 rendering error', async () => {
    const uri = await templated([
      {
        name: 'greet',
        template: {
          model: 'm',
          messages: [{ role: 'user', content: 'Hello {{ user.name }}, plan: {{ user.plan }}' }],
        },
      },
    ]);
    expect(await received(uri, { template_name: 'greet', user: { name: 'Ann', plan: 3 } })).toEqual(
      { model: 'm', messages: [{ role: 'user', content: 'Hello Ann, plan: 3' }] },
    );
    const res = await node.post(uri, { template_name: 'greet' });
    expect(res.status).toBe(503);
    expect(res.json).toEqual(
      withClientError(
        { message: "request template rendering: attempt to index 'user' (a nil value)" },
        503,
      ),
    );
  });

  it('tags that would run code or are not plain lookups are refused by the Admin API', async () => {
    for (const content of ['{{ string.upper(name) }}', '{% os.exit() %}', '{{ constructor }}']) {
      const res = await node.putRoute('pt-admin', {
        uri: '/pt-admin/v1/chat/completions',
        plugins: {
          'ai-prompt-template': {
            templates: [{ name: 't', template: { messages: [{ role: 'user', content }] } }],
          },
          'ai-proxy': node.aiProxy('chat'),
        },
      });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin ai-prompt-template err: templates\[0\] \(t\): unsupported template tag/,
      );
    }
  });

  it('Responses API and Anthropic templates render for routes of those protocols', async () => {
    const responses = await templated(
      [
        {
          name: 'r',
          template: { model: 'gpt-4o', input: 'Summarise {{ doc }}', instructions: 'Be brief' },
        },
      ],
      'responses',
    );
    expect(await received(responses, { template_name: 'r', doc: 'the report' })).toEqual({
      model: 'gpt-4o',
      input: 'Summarise the report',
      instructions: 'Be brief',
    });
    const messages = await templated(
      [
        {
          name: 'a',
          template: {
            model: 'claude-3-5-sonnet',
            max_tokens: 64,
            messages: [{ role: 'user', content: 'Translate {{ text }}' }],
          },
        },
      ],
      'messages',
    );
    expect(await received(messages, { template_name: 'a', text: 'bonjour' })).toEqual({
      model: 'claude-3-5-sonnet',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Translate bonjour' }],
    });
  });

  it('runs before ai-prompt-decorator and ai-prompt-guard, as their priorities say', async () => {
    const uri = await templated(TEMPLATES, 'chat', {
      'ai-prompt-decorator': { prepend: [{ role: 'system', content: 'Be brief.' }] },
      'ai-prompt-guard': { deny_patterns: ['forbidden'] },
    });
    expect(
      await received(uri, { template_name: 'level of detail', topic: 'TLS', level: 'short' }),
    ).toEqual({
      model: 'some model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Explain about TLS in short.' },
      ],
    });
    node.llm.clear();
    const res = await node.post(uri, { template_name: 'level of detail', topic: 'forbidden' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(
      withClientError({ message: 'Request contains prohibited content' }, 400),
    );
    expect(node.llm.requests).toHaveLength(0);
  });
});
