/** `GET /v1/models` on an AI route (issue 16 item 6): the route's instances' models. */
import { isModelsRequest, modelsOf } from './models-list';

describe('isModelsRequest', () => {
  it.each<[string, string, boolean]>([
    ['GET', '/v1/models', true],
    ['GET', '/v1/models?limit=2', true],
    ['HEAD', '/openai/v1/models', true],
    ['POST', '/v1/models', false],
    ['GET', '/v1/models/gpt-4o', false],
    ['GET', '/v1/chat/completions', false],
  ])('%s %s → %s', (method, uri, expected) => {
    expect(isModelsRequest(method, uri)).toBe(expected);
  });
});

describe('modelsOf', () => {
  it('lists each model once, in instance order, owned by the provider', () => {
    const models = modelsOf([
      { name: 'a', provider: 'openai', weight: 1, options: { model: 'gpt-4o' } },
      { name: 'b', provider: 'deepseek', weight: 1, options: { model: 'deepseek-chat' } },
      { name: 'c', provider: 'openai', weight: 1, options: { model: 'gpt-4o' } },
      { name: 'free-choice', provider: 'anthropic', weight: 1 },
    ]);
    expect(models.map((m) => [m.id, m.owned_by])).toEqual([
      ['gpt-4o', 'openai'],
      ['deepseek-chat', 'deepseek'],
      ['free-choice', 'anthropic'],
    ]);
    for (const m of models) {
      expect(m.object).toBe('model');
      expect(Number.isInteger(m.created)).toBe(true);
    }
  });
});
