import fs from 'node:fs';
import path from 'node:path';
import {
  FIXTURES_DIR,
  applyModel,
  fixtureNameProblem,
  fixtureReply,
  loadFixture,
  splitSseEvents,
} from './fixtures';

describe('fixtures', () => {
  it('accepts provider/file names and refuses traversal and odd names', () => {
    expect(fixtureNameProblem('openai/chat-basic.json')).toBeUndefined();
    for (const bad of [
      '',
      '../secret',
      'openai/../../x',
      '/etc/passwd',
      'a b.json',
      'a\\b',
      'x'.repeat(257),
    ]) {
      expect(fixtureNameProblem(bad)).toMatch(/^invalid fixture name/);
    }
  });

  it('ships the fixtures the tests rely on', () => {
    for (const name of [
      'openai/chat-basic.json',
      'openai/chat-model-echo.json',
      'openai/chat-streaming.sse',
      'openai/embeddings.json',
      'anthropic/messages-basic.json',
      'anthropic/messages-streaming.sse',
    ]) {
      expect(fs.existsSync(path.join(FIXTURES_DIR, name))).toBe(true);
    }
    const basic = JSON.parse(loadFixture('openai/chat-basic.json', [FIXTURES_DIR]) ?? '');
    expect(basic.choices[0].message.content).toBe('1 + 1 = 2.');
    expect(basic.usage).toEqual({ prompt_tokens: 23, completion_tokens: 8, total_tokens: 31 });
    const echo = JSON.parse(loadFixture('openai/chat-model-echo.json', [FIXTURES_DIR]) ?? '');
    expect(echo.model).toBe('{{model}}');
    expect(echo.usage).toEqual({ prompt_tokens: 8, completion_tokens: 5, total_tokens: 10 });
  });

  it('searches the directories in order and never leaves them', () => {
    expect(loadFixture('openai/nope.json', [FIXTURES_DIR])).toBeUndefined();
    expect(loadFixture('../package.json', [FIXTURES_DIR])).toBeUndefined();
  });

  it('fills {{model}} as JSON string content', () => {
    expect(applyModel('{"model":"{{model}}","m":"{{model}}"}', 'gpt"4')).toBe(
      '{"model":"gpt\\"4","m":"gpt\\"4"}',
    );
  });

  it('splits SSE text into events, keeping their bytes', () => {
    const text = 'data: a\n\nevent: x\ndata: b\r\n\r\ndata: tail';
    expect(splitSseEvents(text)).toEqual([
      'data: a\n\n',
      'event: x\ndata: b\r\n\r\n',
      'data: tail',
    ]);
    expect(splitSseEvents(text).join('')).toBe(text);
  });

  it('streams .sse fixtures and sends others as JSON', () => {
    expect(fixtureReply('openai/x.sse', 'data: 1\n\ndata: 2\n\n', 200)).toMatchObject({
      kind: 'sse',
      contentType: 'text/event-stream',
      events: [{ text: 'data: 1\n\n' }, { text: 'data: 2\n\n' }],
    });
    expect(fixtureReply('openai/x.json', '{}', 500)).toEqual({
      kind: 'json',
      status: 500,
      body: '{}',
      contentType: 'application/json',
    });
  });
});
