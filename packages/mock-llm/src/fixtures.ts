/**
 * @module fixtures
 * APISIX-style canned answers chosen with the `X-AI-Fixture: <provider>/<file>` header: `.sse`
 * files are streamed event by event, anything else is sent as a JSON body; `{{model}}` becomes
 * the request's model. Names are checked before any file is touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reply } from './protocols';

/** The fixtures bundled with the package (`<package>/fixtures`, from `src/` and `dist/` alike). */
export const FIXTURES_DIR = path.resolve(__dirname, '..', 'fixtures');

/** Request header naming the fixture. */
export const FIXTURE_HEADER = 'x-ai-fixture';
/** Request header giving the status to send with the fixture (APISIX's `X-AI-Fixture-Status`). */
export const FIXTURE_STATUS_HEADER = 'x-ai-fixture-status';

/**
 * Why `name` is not an acceptable fixture name (absolute, `..`, unusual characters, too long),
 * or undefined when it is.
 */
export function fixtureNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 256) return 'invalid fixture name: bad length';
  if (name.startsWith('/') || path.isAbsolute(name)) return 'invalid fixture name: absolute path';
  if (name.includes('..')) return 'invalid fixture name: ".." is not allowed';
  if (!/^[A-Za-z0-9._/-]+$/.test(name)) return 'invalid fixture name: unexpected characters';
  return undefined;
}

/**
 * The text of fixture `name` from the first of `dirs` that has it, or undefined.
 * The name must have passed `fixtureNameProblem`.
 */
export function loadFixture(name: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const root = path.resolve(dir);
    const file = path.resolve(root, name);
    // Belt and braces: never read outside the fixture directory, whatever the name checks missed.
    if (!file.startsWith(root + path.sep)) continue;
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
  }
  return undefined;
}

/** `text` with every `{{model}}` replaced by `model`, escaped for a JSON string. */
export function applyModel(text: string, model: string): string {
  const escaped = JSON.stringify(model).slice(1, -1);
  return text.split('{{model}}').join(escaped);
}

/** Cut SSE text into events, each keeping its own bytes and its terminating blank line. */
export function splitSseEvents(text: string): string[] {
  const events: string[] = [];
  const boundary = /\r\n\r\n|\n\n|\r\r/g;
  let start = 0;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    events.push(text.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < text.length) events.push(text.slice(start));
  return events;
}

/** The reply for fixture `name` with content `text`. */
export function fixtureReply(name: string, text: string, status: number): Reply {
  if (name.endsWith('.sse')) {
    return {
      kind: 'sse',
      status,
      contentType: 'text/event-stream',
      events: splitSseEvents(text).map((t) => ({ text: t, token: true })),
    };
  }
  return { kind: 'json', status, body: text, contentType: 'application/json' };
}
