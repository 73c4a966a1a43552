import { checkPluginConf } from '../plugins';

const consumer = (conf: unknown) => checkPluginConf('jwt-auth', conf, 'consumer');

describe('jwt-auth consumer check', () => {
  it('fills defaults and accepts HS and public-key consumers', () => {
    expect(consumer({ key: 'user-key', secret: 'my-secret-key' })).toMatchObject({
      valid: true,
      value: { algorithm: 'HS256', exp: 86400, base64_secret: false, lifetime_grace_period: 0 },
    });
    expect(consumer({ key: 'k', algorithm: 'RS256', public_key: '-----BEGIN...' }).valid).toBe(
      true,
    );
    expect(consumer({ key: 'k', algorithm: 'HS384' }).valid).toBe(true);
  });

  it('refuses what APISIX refuses', () => {
    expect(consumer({ key: 'k' })).toEqual({
      valid: false,
      message: 'property "secret" is required when "algorithm" is "HS256" or "HS512"',
    });
    expect(consumer({ key: 'k', secret: 'a', base64_secret: true })).toEqual({
      valid: false,
      message: 'base64_secret required but the secret is not in base64 format',
    });
    expect(consumer({ key: 'k', algorithm: 'RS256' }).valid).toBe(false);
    expect(consumer({ key: '', secret: 's' }).valid).toBe(false);
    expect(consumer({ key: 'k', secret: 's', exp: 0 }).valid).toBe(false);
    expect(consumer({ key: 'k', secret: 's', algorithm: 'none' }).valid).toBe(false);
  });

  it('does not apply the consumer check to route confs', () => {
    expect(checkPluginConf('jwt-auth', {}, 'route').valid).toBe(true);
    expect(checkPluginConf('jwt-auth', { claims_to_verify: ['iat'] }, 'route').valid).toBe(false);
  });
});
