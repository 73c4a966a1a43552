import { parseSignature } from './parse-signature';

describe('parseSignature', () => {
  it('reads keyId, algorithm, headers and signature', () => {
    expect(
      parseSignature(
        'Signature keyId="john-key",algorithm="hmac-sha256",headers="@request-target date",signature="d1c="',
      ),
    ).toEqual({
      keyId: 'john-key',
      algorithm: 'hmac-sha256',
      headers: ['@request-target', 'date'],
      signature: 'd1c=',
    });
  });

  it('tolerates spaces around fields and leaves absent ones undefined (APISIX multi-auth TEST 8)', () => {
    expect(
      parseSignature(
        'Signature keyId="my-access-key",headers="@request-target date" ,signature="asdf"',
      ),
    ).toEqual({
      keyId: 'my-access-key',
      algorithm: undefined,
      headers: ['@request-target', 'date'],
      signature: 'asdf',
    });
  });

  it('refuses a header that is not a Signature', () => {
    expect(parseSignature('Basic Zm9vOmJhcg==')).toBe(
      "Authorization header does not start with 'Signature'",
    );
  });
});
