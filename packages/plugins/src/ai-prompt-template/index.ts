/**
 * @module ai-prompt-template
 * APISIX's ai-prompt-template (priority 1071, rewrite phase, before ai-prompt-decorator and
 * ai-proxy): the client sends `template_name` and the template's variables; the rendered
 * template **replaces the whole body** (fields not in the template, such as `stream`, are
 * dropped). `{{ var }}` tags are plain lookups in the client's body, HTML-escaped as
 * lua-resty-template escapes them.
 *
 * @example
 * // templates: [{ name: "QA", template: { model: "gpt-4", messages: [{ role: "user", content: "Explain {{ topic }}." }] } }]
 * // {"template_name":"QA","topic":"TLS"} goes on as
 * // {"model":"gpt-4","messages":[{"role":"user","content":"Explain TLS."}]}
 */
import {
  definePlugin,
  exit,
  isPlainObject,
  TemplateRenderError,
  type Exit,
  type RequestContext,
} from '@tollgate/core';
import type { AiPromptTemplateConf } from '@tollgate/schema';
import { parseJsonBody, readRequestBody } from '../ai-content-common';
import { nameText, templatesOf } from './templates';

async function rewrite(conf: AiPromptTemplateConf, ctx: RequestContext): Promise<Exit | undefined> {
  const read = await readRequestBody(ctx, conf.max_req_body_size);
  if (!('raw' in read)) return exit(400, { message: `could not get body: ${read.reason}` });
  const parsed = parseJsonBody(read.raw);
  if ('error' in parsed) {
    return exit(400, { message: `could not parse JSON request body: ${parsed.error}` });
  }
  const vars = isPlainObject(parsed.value) ? parsed.value : {};
  const name = vars.template_name;
  if (name === undefined || name === null || name === false) {
    return exit(400, { message: 'template name is missing in request.' });
  }
  const render = typeof name === 'string' ? templatesOf(conf).get(name) : undefined;
  if (!render) return exit(400, { message: `template: ${nameText(name)} not configured.` });
  let body: unknown;
  try {
    body = render(vars);
  } catch (err) {
    if (!(err instanceof TemplateRenderError)) throw err;
    return exit(503, { message: `request template rendering: ${err.message}` });
  }
  ctx.replaceBody(Buffer.from(JSON.stringify(body)));
  return undefined;
}

/** The ai-prompt-template plugin definition. */
export const aiPromptTemplate = definePlugin<AiPromptTemplateConf>({
  name: 'ai-prompt-template',
  version: '0.1',
  priority: 1071,
  rewrite,
});
