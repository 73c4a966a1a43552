/**
 * @module checks/ai-prompt-template
 * ai-prompt-template's check beyond its schema: every tag in a template must be a plain lookup
 * (`{{ name }}`, `{{ name.sub }}`, `{* name *}`). APISIX renders templates with
 * lua-resty-template, which evaluates tags as Lua; Tollgate evaluates nothing, so a template
 * that would need it is refused when written instead of rendering differently.
 */
import { parseLookupTemplate, TemplateSyntaxError } from '@tollgate/core';

/** The first tag error in the strings (keys and values) of `value`, or undefined. */
export function firstTemplateError(value: unknown): string | undefined {
  try {
    walkStrings(value, (text) => void parseLookupTemplate(text));
    return undefined;
  } catch (err) {
    if (err instanceof TemplateSyntaxError) return err.message;
    throw err;
  }
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) walkStrings(item, visit);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      visit(key);
      walkStrings(item, visit);
    }
  }
}

/** First failure of a schema-valid ai-prompt-template config, or undefined. */
export function checkAiPromptTemplate(conf: Record<string, unknown>): string | undefined {
  const templates = Array.isArray(conf.templates) ? (conf.templates as unknown[]) : [];
  for (const [index, entry] of templates.entries()) {
    const { name, template } = (entry ?? {}) as { name?: unknown; template?: unknown };
    const error = firstTemplateError(template);
    if (error !== undefined) return `templates[${index}] (${String(name)}): ${error}`;
  }
  return undefined;
}
