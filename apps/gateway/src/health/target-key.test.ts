// The workers look verdicts up with the plugin's key: both builders must agree.
import { healthTargetKey as pluginKey } from '../../../../packages/plugins/src/ai-proxy-multi/selection/instance-health';
import { healthTargetKey } from './target-key';

describe('healthTargetKey', () => {
  it.each([
    ['routes/1', 'ai-proxy-multi', 'openai'],
    ['consumers/jack', 'ai-proxy-multi', 'qwen#b'],
    ['plugin_configs/p-1', 'ai-proxy-multi', 'a b'],
  ])('matches @tollgate/plugins for %s %s %s', (owner, plugin, instance) => {
    expect(healthTargetKey(owner, plugin, instance)).toBe(pluginKey(owner, plugin, instance));
  });
});
