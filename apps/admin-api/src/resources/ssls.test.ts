import { X509Certificate } from 'node:crypto';
import { makeCa, makeCert } from '@tollgate/testkit';
import type { AdminContext } from './context';
import { ssls } from './ssls';

describe('ssls: expiry reported after a write, never refused (APISIX 3.6+ stores any date)', () => {
  const ca = makeCa('ssls expiry CA');
  const expired = makeCert(ca, { cn: 'old.test', days: -3 });
  const soon = makeCert(ca, { cn: 'soon.test', days: 10 });
  const fine = makeCert(ca, { cn: 'fine.test', days: 200 });
  const notAfter = (pem: string) => new Date(new X509Certificate(pem).validTo).toISOString();

  function written(value: Record<string, unknown>, id = '1') {
    const warn = jest.fn();
    ssls.written?.({ log: { warn } } as unknown as AdminContext, value, id);
    return warn.mock.calls;
  }

  it('warns with the ssl id, SNIs, field and notAfter for an expired or expiring certificate', () => {
    expect(
      written(
        { cert: expired.cert, certs: [fine.cert, soon.cert], snis: ['old.test', '*.t'] },
        's1',
      ),
    ).toEqual([
      [
        'ssl certificate has expired',
        {
          ssl_id: 's1',
          snis: ['old.test', '*.t'],
          field: 'cert',
          not_after: notAfter(expired.cert),
        },
      ],
      [
        'ssl certificate expires within 30 days',
        {
          ssl_id: 's1',
          snis: ['old.test', '*.t'],
          field: 'certs[1]',
          not_after: notAfter(soon.cert),
        },
      ],
    ]);
  });

  it('says nothing for a certificate valid past 30 days or given as a reference', () => {
    expect(written({ cert: fine.cert, sni: 'fine.test' })).toEqual([]);
    expect(written({ cert: '$env://CERT', sni: 'ref.test' })).toEqual([]);
  });
});
