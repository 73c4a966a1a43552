/**
 * @module ai-prompt-template/templates
 * The configured templates, compiled once per configuration object: each template's JSON with
 * every string (key or value) parsed into a lookup template (`@tollgate/core` lookup-template),
 * rendered against the client's body. Rendering builds the JSON value directly, so the result is
 * always valid JSON whatever the values hold (APISIX renders the JSON text, where a value with a
 * backslash or a newline breaks it).
 */
import { luaNumberText, parseLookupTemplate, renderLookupTemplate } from '@tollgate/core';
import type { AiPromptTemplateConf } from '@tollgate/schema';

/** A compiled template: the JSON value for a client body. */
export type Render = (vars: Readonly<Record<string, unknown>>) => unknown;

function compileString(text: string): Render {
  const template = parseLookupTemplate(text);
  if (template.length === 1 && template[0] === text) return () => text;
  return (vars) => renderLookupTemplate(template, vars);
}

/** Compile a template's JSON value. */
export function compileTemplate(value: unknown): Render {
  if (typeof value === 'string') return compileString(value);
  if (Array.isArray(value)) {
    const items = (value as unknown[]).map(compileTemplate);
    return (vars) => items.map((item) => item(vars));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => [compileString(key), compileTemplate(item)] as const,
    );
    // fromEntries defines own properties, so a rendered `__proto__` key stays data.
    return (vars): Record<string, unknown> =>
      Object.fromEntries(
        entries.map(([key, item]): [string, unknown] => [String(key(vars)), item(vars)]),
      );
  }
  return () => value;
}

const compiled = new WeakMap<AiPromptTemplateConf, ReadonlyMap<string, Render>>();

/** The configuration's templates by name (the first of a name wins, as APISIX's lookup). */
export function templatesOf(conf: AiPromptTemplateConf): ReadonlyMap<string, Render> {
  let byName = compiled.get(conf);
  if (!byName) {
    const map = new Map<string, Render>();
    for (const { name, template } of conf.templates) {
      if (!map.has(name)) map.set(name, compileTemplate(template));
    }
    byName = map;
    compiled.set(conf, byName);
  }
  return byName;
}

/** `template_name` as APISIX's error message prints it. */
export function nameText(name: unknown): string {
  if (typeof name === 'string') return name;
  if (typeof name === 'number') return luaNumberText(name);
  return JSON.stringify(name) ?? String(name);
}
