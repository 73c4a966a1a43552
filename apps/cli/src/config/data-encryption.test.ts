/**
 * `apisix.data_encryption` in config.yaml: APISIX's defaults, a keyring given as a list or a
 * single string, and keys of a length AES cannot use refused.
 */
import { ConfigInvalidError, readEnv } from '@tollgate/core';
import { parseConfig } from './load';

const parse = (text: string) =>
  parseConfig(text, 'test.yaml', { ...readEnv({}), configFile: undefined }, {});

describe('apisix.data_encryption', () => {
  it("defaults to APISIX's: on, with its public keyring", () => {
    expect(parse('').dataEncryption).toEqual({
      enableEncryptFields: true,
      keyring: ['qeddd145sfvddff3', 'edd1c9f0985e76a2'],
    });
  });

  it('reads enable_encrypt_fields and a keyring list or string', () => {
    const config = parse(
      [
        'apisix:',
        '  data_encryption:',
        '    enable_encrypt_fields: false',
        '    keyring:',
        '      - 0123456789abcdef',
        '      - 0123456789abcdef0123456789abcdef',
      ].join('\n'),
    );
    expect(config.dataEncryption).toEqual({
      enableEncryptFields: false,
      keyring: ['0123456789abcdef', '0123456789abcdef0123456789abcdef'],
    });
    expect(config.unsupportedKeys).toEqual([]);
    const one = parse('apisix:\n  data_encryption:\n    keyring: edd1c9f0985e76a2\n');
    expect(one.dataEncryption.keyring).toEqual(['edd1c9f0985e76a2']);
  });

  it('refuses a key that is neither 16 nor 32 characters', () => {
    expect(() => parse('apisix:\n  data_encryption:\n    keyring: [short]\n')).toThrow(
      ConfigInvalidError,
    );
    expect(() => parse('apisix:\n  data_encryption:\n    keyring: [short]\n')).toThrow(
      /apisix\.data_encryption\.keyring/,
    );
  });
});
