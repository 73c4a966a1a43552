import { DataEncryption } from '@tollgate/schema';
import { validateItem } from './validate-item';

// APISIX's ciphertexts: t/node/data_encrypt.t (keyring edd1c9f0985e76a2) and the consumers
// example of its docs (default keyring: key-auth key auth-one).
const AUTH_ONE_DEFAULT = '4y+JvURBE6ZwRbbgaryrhg==';
const AUTH_TWO = 'vU/ZHVJw7b0XscDJ1Fhtig==';

type Json = Record<string, any>;

function loaded(key: string, value: unknown, encryption?: DataEncryption): Json {
  const result = validateItem(key, JSON.stringify(value), encryption);
  if (result.ok !== true) throw new Error(`not loaded: ${JSON.stringify(result)}`);
  return result.value;
}

describe('validateItem decrypts stored secrets before checking', () => {
  it("reads an APISIX-encrypted key-auth key with APISIX's default keyring", () => {
    const value = loaded('consumers/jack', {
      username: 'jack',
      plugins: { 'key-auth': { key: AUTH_ONE_DEFAULT } },
    });
    expect(value.plugins['key-auth'].key).toBe('auth-one');
  });

  it('reads credentials, and tries every key of the ring (rotation)', () => {
    const rotated = new DataEncryption({
      enableEncryptFields: true,
      keyring: ['qeddd145sfvddff3', 'edd1c9f0985e76a2'],
    });
    const value = loaded(
      'consumers/jack/credentials/c1',
      { plugins: { 'key-auth': { key: AUTH_TWO } } },
      rotated,
    );
    expect(value.plugins['key-auth'].key).toBe('auth-two');
  });

  it('uses a value no key decrypts as stored (plain text written before encryption)', () => {
    const heard: string[] = [];
    const encryption = new DataEncryption(undefined, (field) => heard.push(field));
    const value = loaded(
      'consumers/foo',
      { username: 'foo', plugins: { 'basic-auth': { username: 'foo', password: 'bar' } } },
      encryption,
    );
    expect(value.plugins['basic-auth'].password).toBe('bar');
    expect(heard).toEqual(['plugin [basic-auth] key [password]']);
  });

  it('leaves plugin fields alone with enable_encrypt_fields off', () => {
    const off = new DataEncryption({ enableEncryptFields: false, keyring: ['edd1c9f0985e76a2'] });
    const value = loaded(
      'consumers/jack',
      { username: 'jack', plugins: { 'key-auth': { key: AUTH_TWO } } },
      off,
    );
    expect(value.plugins['key-auth'].key).toBe(AUTH_TWO);
  });

  it('decrypts route plugin fields (http-logger auth_header) and checks them in plain text', () => {
    const encryption = new DataEncryption({
      enableEncryptFields: true,
      keyring: ['edd1c9f0985e76a2'],
    });
    const value = loaded(
      'routes/1',
      {
        uri: '/hello',
        plugins: {
          'http-logger': {
            uri: 'http://127.0.0.1:1980/log',
            auth_header: '77+NmbYqNfN+oLm0aX5akg==',
          },
        },
        upstream: { nodes: { '127.0.0.1:1980': 1 }, type: 'roundrobin' },
      },
      encryption,
    );
    expect(value.plugins['http-logger'].auth_header).toBe('bar');
  });
});
