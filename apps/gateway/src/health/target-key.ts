/**
 * @module health/target-key
 * The node-wide key of one instance's health. Must build exactly what @tollgate/plugins'
 * `healthTargetKey` builds (the workers look verdicts up by it); a unit test holds them equal.
 */

/**
 * `<owner>#<plugin>#<instance>`, the owner being the config item holding the plugin.
 *
 * @example
 * healthTargetKey('routes/1', 'ai-proxy-multi', 'openai-a'); // 'routes/1#ai-proxy-multi#openai-a'
 */
export function healthTargetKey(owner: string, pluginName: string, instanceName: string): string {
  return `${owner}#${pluginName}#${instanceName}`;
}
