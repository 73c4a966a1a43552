import { generateKeyPairSync, sign } from 'node:crypto';
import { hasIssuedToken, issueToken, type IssuedTokens } from './gcp';

const URL = 'http://127.0.0.1:1/token';
const EMAIL = 'sa@test.iam.gserviceaccount.com';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const gcp = {
  serviceAccounts: [{ client_email: EMAIL, public_key: keys.publicKey }],
  tokenTtlSeconds: 60,
};

function form(nowMs: number): URLSearchParams {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = { iss: EMAIL, aud: URL, scope: 's', exp: nowMs / 1000 + 3600 };
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  const signature = sign('RSA-SHA256', Buffer.from(unsigned), keys.privateKey);
  return new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: `${unsigned}.${signature.toString('base64url')}`,
  });
}

describe('issueToken', () => {
  it('remembers a token until it expires, and drops expired ones at the next issue', () => {
    const issued: IssuedTokens = new Map();
    const first = issueToken(form(0), URL, gcp, issued, 0);
    expect(first.status).toBe(200);
    const token = String(first.body.access_token);
    expect(hasIssuedToken(`Bearer ${token}`, issued, 59_999)).toBe(true);
    expect(hasIssuedToken(`Bearer ${token}`, issued, 60_000)).toBe(false);

    const second = issueToken(form(60_000), URL, gcp, issued, 60_000);
    expect(second.status).toBe(200);
    expect([...issued.keys()]).toEqual([second.body.access_token]);
  });
});
