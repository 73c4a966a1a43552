/**
 * @module certs
 * Test certificates made with the `openssl` CLI (Node can verify X.509 but not issue it): a CA,
 * server certificates for given names (wildcards included), client certificates, expired ones.
 * Everything is PEM text; files live in a temp directory removed at exit. deploy/local's
 * ensure-services.sh installs openssl where it is missing.
 * @example
 * const ca = makeCa('test CA');
 * const site = makeCert(ca, { cn: 'a.test.com', sans: ['a.test.com', '*.b.test.com'] });
 * https.createServer({ cert: site.cert, key: site.key });
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A key pair and its certificate, PEM encoded. */
export interface CertPair {
  cert: string;
  key: string;
}

export interface CertOptions {
  /** Subject common name. */
  cn: string;
  /** DNS subject alternative names (default: `[cn]`); IP addresses go in `ips`. */
  sans?: string[];
  ips?: string[];
  /** A client certificate (extendedKeyUsage clientAuth) instead of a server one. */
  client?: boolean;
  /** Validity in days from now; a negative value makes a certificate that has already expired. */
  days?: number;
  /** `ec` (P-256) instead of the default RSA 2048. */
  keyType?: 'rsa' | 'ec';
}

let workDir: string | undefined;
let counter = 0;

function dir(): string {
  if (!workDir) {
    const created = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-certs-'));
    workDir = created;
    process.once('exit', () => fs.rmSync(created, { recursive: true, force: true }));
  }
  return workDir;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(file: string, keyType: 'rsa' | 'ec'): void {
  const algorithm =
    keyType === 'ec'
      ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  openssl(['genpkey', ...algorithm, '-out', file]);
}

/** A self-signed certificate authority. */
export function makeCa(cn = 'Tollgate Test CA'): CertPair {
  const base = path.join(dir(), `ca-${(counter += 1)}`);
  newKey(`${base}.key`, 'rsa');
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    `${base}.key`,
    '-subj',
    `/CN=${cn}`,
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    `${base}.crt`,
  ]);
  return {
    cert: fs.readFileSync(`${base}.crt`, 'utf8'),
    key: fs.readFileSync(`${base}.key`, 'utf8'),
  };
}

/** A certificate for `options.cn` signed by `ca`, with a fresh key. */
export function makeCert(ca: CertPair, options: CertOptions): CertPair {
  const base = path.join(dir(), `cert-${(counter += 1)}`);
  newKey(`${base}.key`, options.keyType ?? 'rsa');
  fs.writeFileSync(`${base}.ca.crt`, ca.cert);
  fs.writeFileSync(`${base}.ca.key`, ca.key);
  const names = [
    ...(options.sans ?? [options.cn]).map((name) => `DNS:${name}`),
    ...(options.ips ?? []).map((ip) => `IP:${ip}`),
  ];
  fs.writeFileSync(
    `${base}.ext`,
    [
      'basicConstraints=CA:FALSE',
      `extendedKeyUsage=${options.client ? 'clientAuth' : 'serverAuth'}`,
      ...(names.length > 0 ? [`subjectAltName=${names.join(',')}`] : []),
    ].join('\n'),
  );
  openssl([
    'req',
    '-new',
    '-key',
    `${base}.key`,
    '-subj',
    `/CN=${options.cn}`,
    '-out',
    `${base}.csr`,
  ]);
  // `openssl ca` rather than `x509 -req`: only it takes explicit start and end dates (OpenSSL 3.0),
  // which an already expired certificate needs.
  fs.writeFileSync(`${base}.index`, '');
  fs.writeFileSync(`${base}.serial`, `${crypto.randomBytes(8).toString('hex')}\n`);
  fs.writeFileSync(
    `${base}.cnf`,
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${base}.index`,
      `new_certs_dir = ${dir()}`,
      `serial = ${base}.serial`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
    ].join('\n'),
  );
  const days = options.days ?? 365;
  openssl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    `${base}.cnf`,
    '-cert',
    `${base}.ca.crt`,
    '-keyfile',
    `${base}.ca.key`,
    '-in',
    `${base}.csr`,
    '-extfile',
    `${base}.ext`,
    '-startdate',
    utcTime(Math.min(days, 0) - 1),
    '-enddate',
    utcTime(days),
    '-out',
    `${base}.crt`,
  ]);
  return {
    cert: fs.readFileSync(`${base}.crt`, 'utf8'),
    key: fs.readFileSync(`${base}.key`, 'utf8'),
  };
}

/** ASN.1 UTCTime (`YYMMDDHHMMSSZ`) for `days` from now, as `openssl ca` takes it. */
function utcTime(days: number): string {
  const when = new Date(Date.now() + days * 86_400_000);
  return `${when.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;
}
