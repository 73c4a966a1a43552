import { checkPluginConf } from '../plugins';

const check = (conf: unknown) => checkPluginConf('multi-auth', conf, 'route');

describe('multi-auth check', () => {
  it('fills each auth plugin’s defaults', () => {
    expect(check({ auth_plugins: [{ 'basic-auth': {} }, { 'key-auth': {} }] })).toEqual({
      valid: true,
      value: {
        auth_plugins: [
          { 'basic-auth': { hide_credentials: false, realm: 'basic' } },
          {
            'key-auth': {
              header: 'apikey',
              query: 'apikey',
              hide_credentials: false,
              realm: 'key',
            },
          },
        ],
      },
    });
  });

  it('refuses what APISIX refuses', () => {
    expect(check({ auth_plugins: [{ 'basic-auth': {} }] }).valid).toBe(false);
    expect(check({})).toMatchObject({
      valid: false,
      message: 'property "auth_plugins" is required',
    });
    expect(check({ auth_plugins: [{ 'basic-auth': {} }, { 'no-such': {} }] })).toEqual({
      valid: false,
      message: 'no-such plugin did not found',
    });
    expect(check({ auth_plugins: [{ 'basic-auth': {} }, { prometheus: {} }] })).toEqual({
      valid: false,
      message: 'prometheus plugin is not supported',
    });
    expect(check({ auth_plugins: [{ 'basic-auth': {} }, { 'key-auth': { header: 1 } }] })).toEqual({
      valid: false,
      message:
        'plugin key-auth check schema failed: property "header" validation failed: wrong type: expected string, got number',
    });
  });
});
