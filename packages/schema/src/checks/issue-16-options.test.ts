/**
 * The issue 16 options (Tollgate extensions): key-auth `sdk_key_headers` and ai-proxy /
 * ai-proxy-multi `client_protocol_errors` are accepted as booleans, refused otherwise, and never
 * filled as defaults (stored routes stay APISIX's).
 */
import { checkPluginConf } from '../plugins';

const instance = { name: 'a', provider: 'openai', weight: 1, auth: { header: { k: 'v' } } };

describe('key-auth sdk_key_headers', () => {
  it('accepts a boolean, refuses anything else, fills nothing when unset', () => {
    const on = checkPluginConf('key-auth', { sdk_key_headers: true }, 'route');
    expect(on.valid && on.value).toMatchObject({ sdk_key_headers: true });
    const bad = checkPluginConf('key-auth', { sdk_key_headers: 'yes' }, 'route');
    expect(bad.valid).toBe(false);
    expect(!bad.valid && bad.message).toContain('sdk_key_headers');
    const unset = checkPluginConf('key-auth', {}, 'route');
    expect(unset.valid && Object.hasOwn(unset.value as object, 'sdk_key_headers')).toBe(false);
  });
});

describe.each([
  ['ai-proxy', { provider: 'openai', auth: { header: { k: 'v' } } }],
  ['ai-proxy-multi', { instances: [instance] }],
])('%s client_protocol_errors', (plugin, base) => {
  it('accepts a boolean, refuses anything else, fills nothing when unset', () => {
    const off = checkPluginConf(plugin, { ...base, client_protocol_errors: false }, 'route');
    expect(off.valid && off.value).toMatchObject({ client_protocol_errors: false });
    const bad = checkPluginConf(plugin, { ...base, client_protocol_errors: 'no' }, 'route');
    expect(bad.valid).toBe(false);
    expect(!bad.valid && bad.message).toContain('client_protocol_errors');
    const unset = checkPluginConf(plugin, base, 'route');
    expect(unset.valid && Object.hasOwn(unset.value as object, 'client_protocol_errors')).toBe(
      false,
    );
  });
});
