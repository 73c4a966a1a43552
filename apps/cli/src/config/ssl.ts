/**
 * @module config/ssl
 * `apisix.ssl`: the gateway's HTTPS listeners and their TLS settings, with APISIX's defaults
 * (`enable: true`, `listen: [{port: 9443}]`, `ssl_protocols: TLSv1.2 TLSv1.3`, Mozilla's
 * intermediate `ssl_ciphers`). Certificates come from the `ssls` resource; `fallback_sni` names
 * the SNI assumed for clients that send none. `enable_http3` is accepted and ignored (HTTP/3 is
 * not served). `apisix.enable_http2` (default `true`, APISIX 3.9+) offers HTTP/2 by ALPN on these
 * listeners; the per-listener `enable_http2` that APISIX 3.9 removed is refused with its message.
 */
import { ConfigInvalidError } from '@tollgate/core';
import type { Listen, TlsConfig } from './types';

type Raw = Record<string, unknown>;

type Protocol = TlsConfig['protocols'][number];

/** APISIX's default `ssl_ciphers` (conf/config.yaml.example). */
const DEFAULT_CIPHERS =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:' +
  'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:' +
  'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384';

/** JSON Schema of the keys (merged into CONFIG_SCHEMA under `apisix`). */
export const SSL_SCHEMA = {
  enable_http2: {
    type: 'boolean',
    description:
      "HTTPS listeners offer `h2` beside `http/1.1` by ALPN ([gateway.md](gateway.md#http2)); `enable_http2` on an `ssl.listen` entry is refused at startup with APISIX 3.9's message",
    default: true,
  },
  ssl: {
    type: 'object',
    properties: {
      enable: {
        type: 'boolean',
        description:
          'serve HTTPS on `apisix.ssl.listen` ([gateway.md](gateway.md#https-tls-termination))',
        default: true,
      },
      listen: {
        type: 'array',
        description: 'HTTPS listeners, `{ip, port}`; `enable_http3` is accepted and ignored',
        default: [{ port: 9443 }],
        items: {
          type: 'object',
          description: 'one HTTPS listener',
          required: ['port'],
          properties: {
            ip: {
              type: 'string',
              minLength: 1,
              description: 'address it binds',
              default: '0.0.0.0',
            },
            port: { type: 'integer', minimum: 1, maximum: 65535, description: 'port it binds' },
            enable_http3: {
              type: 'boolean',
              description: 'accepted and ignored: HTTP/3 is not served',
            },
            enable_http2: {
              description:
                "refused at startup with APISIX 3.9's message: use `apisix.enable_http2`",
            },
          },
        },
      },
      ssl_protocols: {
        type: 'string',
        pattern: '^\\s*TLSv1\\.[123](\\s+TLSv1\\.[123])*\\s*$',
        description:
          "TLS versions accepted (space separated; an SSL's own `ssl_protocols` narrows them)",
        default: 'TLSv1.2 TLSv1.3',
      },
      ssl_ciphers: {
        type: 'string',
        minLength: 1,
        maxLength: 4096,
        description: "OpenSSL cipher list for TLS 1.2; TLS 1.3 suites stay OpenSSL's",
        default: DEFAULT_CIPHERS,
        'x-default-text': "APISIX's list",
      },
      fallback_sni: {
        type: 'string',
        maxLength: 255,
        description: 'SNI assumed for clients that send none (the handshake fails without it)',
      },
    },
  },
} as const;

export const SSL_KEYS = [
  'apisix.enable_http2',
  'apisix.ssl.enable',
  'apisix.ssl.listen',
  'apisix.ssl.ssl_protocols',
  'apisix.ssl.ssl_ciphers',
  'apisix.ssl.fallback_sni',
] as const;

/** The HTTPS listeners, or undefined when `apisix.ssl.enable` is false. */
export function tlsConfigOf(apisix: Raw, source: string): TlsConfig | undefined {
  const ssl = (apisix.ssl ?? {}) as Raw;
  if (ssl.enable === false) return undefined;
  const listen = ((ssl.listen as Raw[] | undefined) ?? [{ port: 9443 }]).map((entry): Listen => ({
    ip: (entry.ip as string | undefined) ?? '0.0.0.0',
    port: entry.port as number,
  }));
  const protocols = ((ssl.ssl_protocols as string | undefined) ?? 'TLSv1.2 TLSv1.3')
    .trim()
    .split(/\s+/) as Protocol[];
  const fallbackSni = (ssl.fallback_sni as string | undefined) || undefined;
  const legacy = ((ssl.listen as Raw[] | undefined) ?? []).some((e) => e.enable_http2 != null);
  if (legacy) {
    // APISIX 3.9+ refuses it at startup with this text (apisix/cli/ops.lua).
    throw new ConfigInvalidError(
      `invalid config file ${source}: ERROR: port level enable_http2 in ssl.listen is deprecated` +
        'from 3.9 version, and you should use enable_http2 in apisix level.',
    );
  }
  if (listen.length === 0) {
    throw new ConfigInvalidError(
      `invalid config file ${source}: apisix.ssl.listen: needs an address while apisix.ssl.enable is true`,
    );
  }
  return {
    listen,
    protocols,
    ciphers: (ssl.ssl_ciphers as string | undefined) ?? DEFAULT_CIPHERS,
    http2: apisix.enable_http2 !== false,
    ...(fallbackSni ? { fallbackSni } : {}),
  };
}
