/**
 * @module protocols/shape
 * Shape checks of the request fields the mock reads (messages, their roles and contents, system
 * prompts, inputs), so that a request the real API would refuse gets a 400 in the provider's
 * words instead of reaching code that expects the documented shape (`{"messages":[null]}` was a
 * 500). Fields the mock never reads (tools, temperature…) are not checked. Pure.
 */
import type { Refusal } from './common';

/** Why a request is refused: where (`messages[0].content`), and what was expected. */
export interface ShapeProblem {
  /** Field names and array indexes from the body's root. */
  path: readonly (string | number)[];
  /** What the field should be, in OpenAI's words: `an object`, `a string`… */
  expected: string;
  /** The value found; undefined when the field is missing. */
  actual: unknown;
}

/** The parameter as OpenAI names it: `messages[0].content`. */
export function paramOf(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A JSON value's type as OpenAI's error messages name it. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CONTENT = 'one of a string or array of objects';

/** A message `content` (or a system prompt): absent, null, a string, or an array of parts. */
export function contentProblem(
  content: unknown,
  path: readonly (string | number)[],
): ShapeProblem | undefined {
  if (content === undefined || content === null || typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return { path, expected: CONTENT, actual: content };
  const part = content.findIndex((p) => !isObject(p));
  return part === -1
    ? undefined
    : { path: [...path, part], expected: 'an object', actual: content[part] };
}

/**
 * A list of messages (or Responses input items) at `field`: an array of objects, each with a
 * string `role` (required when `roleRequired`) and a valid `content`.
 */
export function messagesProblem(
  body: Record<string, unknown>,
  field: 'messages' | 'input',
  roleRequired: boolean,
): ShapeProblem | undefined {
  const list = body[field];
  if (!Array.isArray(list)) {
    return { path: [field], expected: 'an array of objects', actual: list };
  }
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) return { path: [field, i], expected: 'an object', actual: item };
    const { role } = item;
    if (typeof role !== 'string' && (roleRequired || role !== undefined)) {
      return { path: [field, i, 'role'], expected: 'a string', actual: role };
    }
    const problem = contentProblem(item.content, [field, i, 'content']);
    if (problem) return problem;
  }
  return undefined;
}

/** `problem` in OpenAI's words, e.g. `Invalid type for 'messages[0]': expected an object, but got null instead.` */
export function openAiRefusal(problem: ShapeProblem): Refusal {
  const param = paramOf(problem.path);
  if (problem.actual === undefined) {
    return {
      message: `Missing required parameter: '${param}'.`,
      param,
      code: 'missing_required_parameter',
    };
  }
  return {
    message: `Invalid type for '${param}': expected ${problem.expected}, but got ${typeName(problem.actual)} instead.`,
    param,
    code: 'invalid_type',
  };
}
