import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type AiPromptTemplateConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { aiPromptTemplate } from './index';
import { compileTemplate, templatesOf } from './templates';

function context(body: string): RequestContext {
  const req = Object.assign(Readable.from([Buffer.from(body)]), {
    headers: { 'content-length': String(Buffer.byteLength(body)) },
    rawHeaders: [],
    url: '/v1/chat/completions',
    method: 'POST',
    httpVersion: '1.1',
    socket: new net.Socket(),
  }) as unknown as http.IncomingMessage;
  return new RequestContext(req, new http.ServerResponse(req));
}

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

function conf(templates: unknown = TEMPLATES): AiPromptTemplateConf {
  const checked = checkPluginConf('ai-prompt-template', { templates }, 'route');
  if (!checked.valid) throw new Error(checked.message);
  return checked.value as AiPromptTemplateConf;
}

async function run(c: AiPromptTemplateConf, body: unknown) {
  const ctx = context(JSON.stringify(body));
  const result = (await aiPromptTemplate.rewrite?.(c, ctx)) as Exit | undefined;
  return { result, sent: JSON.parse((await ctx.readBody(1 << 20)).toString()) as unknown };
}

describe('ai-prompt-template', () => {
  it('is registered under APISIX name and priority, in the rewrite phase', () => {
    expect(PLUGINS.get('ai-prompt-template')).toBe(aiPromptTemplate);
    expect(aiPromptTemplate.priority).toBe(1071);
    expect(aiPromptTemplate.rewrite).toBeDefined();
  });

  it('check_schema: at least one template (TEST 2); tags must be plain lookups', () => {
    expect(checkPluginConf('ai-prompt-template', { templates: [] }, 'route')).toEqual(
      expect.objectContaining({ valid: false }),
    );
    const code = checkPluginConf(
      'ai-prompt-template',
      {
        templates: [
          { name: 'x', template: { messages: [{ role: 'user', content: '{{ a .. b }}' }] } },
        ],
      },
      'route',
    );
    expect(code).toEqual({
      valid: false,
      message:
        'templates[0] (x): unsupported template tag {{ a .. b }}: only variable names and dotted paths are looked up, nothing is evaluated',
    });
    expect(
      checkPluginConf(
        'ai-prompt-template',
        { templates: [{ name: 'x', template: { model: '{% os.exit() %}' } }] },
        'route',
      ).valid,
    ).toBe(false);
  });

  it('replaces the whole body with the named template (TESTs 3, 5)', async () => {
    const c = conf();
    const { result, sent } = await run(c, {
      template_name: 'programming question',
      language: 'python',
      program_name: 'quick sort',
      stream: true,
      temperature: 0.2,
    });
    expect(result).toBeUndefined();
    expect(sent).toEqual({
      model: 'some model',
      messages: [
        { role: 'system', content: 'You are a python programmer.' },
        { role: 'user', content: 'Write a quick sort program.' },
      ],
    });
    expect(
      (await run(c, { template_name: 'level of detail', topic: 'psychology', level: 'brief' }))
        .sent,
    ).toEqual({
      model: 'some model',
      messages: [{ role: 'user', content: 'Explain about psychology in brief.' }],
    });
  });

  it('renders missing variables as nothing (TEST 6) and escapes as lua-resty-template', async () => {
    const c = conf();
    expect(
      (await run(c, { template_name: 'level of detail', 'topic-missing': 'psychology' })).sent,
    ).toEqual({
      model: 'some model',
      messages: [{ role: 'user', content: 'Explain about  in .' }],
    });
    const escaped = await run(c, {
      template_name: 'level of detail',
      topic: 'a "b" & <c>',
      level: 'x/y\nz\\',
    });
    expect(escaped.sent).toEqual({
      model: 'some model',
      messages: [
        { role: 'user', content: 'Explain about a &quot;b&quot; &amp; &lt;c&gt; in x&#47;y\nz\\.' },
      ],
    });
  });

  it('answers APISIX errors: 400 missing or unknown name (TESTs 7, 8), 503 rendering', async () => {
    const c = conf();
    expect((await run(c, { template_name: 'random', 'some-key': 'v' })).result).toEqual(
      expect.objectContaining({
        status: 400,
        body: { message: 'template: random not configured.' },
      }),
    );
    expect((await run(c, { 'missing-template-name': 'haha' })).result).toEqual(
      expect.objectContaining({
        status: 400,
        body: { message: 'template name is missing in request.' },
      }),
    );
    const dotted = conf([
      {
        name: 'd',
        template: { model: 'm', messages: [{ role: 'user', content: '{{ user.name }}' }] },
      },
    ]);
    expect((await run(dotted, { template_name: 'd', user: { name: 'Ann' } })).sent).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'Ann' }],
    });
    expect((await run(dotted, { template_name: 'd' })).result).toEqual(
      expect.objectContaining({
        status: 503,
        body: { message: "request template rendering: attempt to index 'user' (a nil value)" },
      }),
    );
  });

  it('keeps each configuration to its own templates, compiled once (TEST 9)', () => {
    const a = conf([{ name: 'same', template: { model: 'a' } }]);
    const b = conf([{ name: 'same', template: { model: 'b' } }]);
    expect(templatesOf(a).get('same')?.({})).toEqual({ model: 'a' });
    expect(templatesOf(b).get('same')?.({})).toEqual({ model: 'b' });
    expect(templatesOf(a)).toBe(templatesOf(a));
  });

  it('never turns a rendered __proto__ key into a prototype', () => {
    const render = compileTemplate({ '{{ k }}': { polluted: true } });
    const out = render({ k: '__proto__' }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true}}');
  });
});
