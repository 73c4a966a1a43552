import { DataEncryption } from './data-encryption';
import { encryptFieldsOf } from './encrypt-fields';
import { APISIX_DEFAULT_KEYRING, Keyring } from './keyring';

const keyring = new Keyring(APISIX_DEFAULT_KEYRING);
const enc = (plain: string) => keyring.encrypt(plain);
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';

describe('encrypt_fields from the plugin schemas', () => {
  it.each([
    ['key-auth', 'consumer', ['key']],
    ['basic-auth', 'consumer', ['password']],
    ['hmac-auth', 'consumer', ['secret_key']],
    ['jwt-auth', 'consumer', ['secret']],
    ['http-logger', 'route', ['auth_header']],
    ['limit-count', 'route', ['redis_password', 'sentinel_password']],
    ['elasticsearch-logger', 'route', ['auth.password']],
    ['key-auth', 'route', []],
    ['http-logger', 'consumer', ['auth_header']],
    ['prometheus', 'metadata', []],
    ['constructor', 'route', []],
  ] as const)('%s on a %s', (plugin, type, fields) => {
    expect(encryptFieldsOf(plugin, type)).toEqual(fields);
  });
});

describe('DataEncryption', () => {
  const gde = new DataEncryption();

  it('encrypts a consumer plugin field and reveals it again', () => {
    const value = { username: 'jack', plugins: { 'key-auth': { key: 'auth-one' } } };
    gde.encryptStored('consumers', value);
    expect(value.plugins['key-auth'].key).toBe('4y+JvURBE6ZwRbbgaryrhg==');
    gde.revealPluginFields('consumers', value);
    expect(value.plugins['key-auth'].key).toBe('auth-one');
  });

  it('walks arrays and maps (ai-proxy-multi instances.auth.header)', () => {
    const value = {
      plugins: {
        'ai-proxy-multi': {
          instances: [
            { name: 'a', auth: { header: { Authorization: 'Bearer a', 'x-b': 'b' } } },
            {
              name: 'b',
              auth: { query: { key: 'q' }, gcp: { service_account_json: '{}', max_ttl: 5 } },
            },
          ],
        },
      },
    };
    gde.encryptStored('routes', value);
    const [a, b] = value.plugins['ai-proxy-multi'].instances;
    expect(a?.auth.header).toEqual({ Authorization: enc('Bearer a'), 'x-b': enc('b') });
    expect(b?.auth.query).toEqual({ key: enc('q') });
    expect(b?.auth.gcp).toEqual({ service_account_json: enc('{}'), max_ttl: 5 });
    gde.decryptStored('routes', value);
    expect(value.plugins['ai-proxy-multi'].instances[0]?.auth.header?.Authorization).toBe(
      'Bearer a',
    );
  });

  it('keeps a value no key decrypts, and says where (not what)', () => {
    const heard: string[] = [];
    const reading = new DataEncryption(undefined, (field) => heard.push(field));
    const value = { plugins: { 'basic-auth': { username: 'foo', password: 'bar' } } };
    reading.decryptStored('credentials', value);
    expect(value.plugins['basic-auth'].password).toBe('bar');
    expect(heard).toEqual(['plugin [basic-auth] key [password]']);
  });

  it('encrypts PEM private keys of ssls and upstreams, not references', () => {
    const ssl = { cert: 'c', key: PEM, keys: [PEM, '$secret://vault/1/key'] };
    gde.encryptStored('ssls', ssl);
    expect(ssl.key).toBe(enc(PEM));
    expect(ssl.keys).toEqual([enc(PEM), '$secret://vault/1/key']);
    gde.revealPluginFields('ssls', ssl);
    expect(ssl.key).toBe(enc(PEM));
    gde.decryptStored('ssls', ssl);
    expect(ssl).toEqual({ cert: 'c', key: PEM, keys: [PEM, '$secret://vault/1/key'] });

    const route = { uri: '/', upstream: { tls: { client_cert: 'c', client_key: PEM } } };
    gde.encryptStored('routes', route);
    expect(route.upstream.tls.client_key).toBe(enc(PEM));
    const upstream = { tls: { client_key: PEM } };
    gde.encryptStored('upstreams', upstream);
    expect(upstream.tls.client_key).toBe(enc(PEM));
  });

  it('stores plugin fields in plain text with enable_encrypt_fields off, keys still encrypted', () => {
    const off = new DataEncryption({ enableEncryptFields: false, keyring: APISIX_DEFAULT_KEYRING });
    const consumer = { plugins: { 'key-auth': { key: 'auth-one' } } };
    off.encryptStored('consumers', consumer);
    expect(consumer.plugins['key-auth'].key).toBe('auth-one');
    const ssl = { key: PEM };
    off.encryptStored('ssls', ssl);
    expect(ssl.key).toBe(enc(PEM));
  });

  it('uses the metadata schema of the plugin a plugin_metadata value belongs to', () => {
    const value = { id: 'http-logger', log_format: { a: '$b' } };
    gde.encryptStored('plugin_metadata', value);
    expect(value).toEqual({ id: 'http-logger', log_format: { a: '$b' } });
  });

  it('ignores prototype names in plugin maps', () => {
    const plugins = JSON.parse('{"__proto__": {"key": "x"}, "key-auth": {"key": "k"}}') as Record<
      string,
      { key: string }
    >;
    gde.encryptStored('consumers', { plugins });
    expect(plugins['key-auth']?.key).toBe(enc('k'));
    expect(({} as Record<string, unknown>).key).toBeUndefined();
  });
});
