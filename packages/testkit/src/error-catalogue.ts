/**
 * @module error-catalogue
 * The rule every package's error catalogue follows (style §1.4): each exported `TOLLGATE_ERR_*`
 * class has the export name as its `code`, is branded, answers a 4xx/5xx status, and is listed in
 * docs/errors.md. Call inside a jest `describe`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isGatewayError, type GatewayError } from '@tollgate/core';

const DOC = path.resolve(__dirname, '../../../docs/errors.md');

/** Registers one test per catalogue entry of `exports`. */
export function describeErrorCatalogue(exports: Record<string, unknown>): void {
  const documented = fs.readFileSync(DOC, 'utf8');
  const catalogue = Object.entries(exports).filter(
    ([name, value]) => name.startsWith('TOLLGATE_ERR_') && typeof value === 'function',
  ) as [string, new (m: unknown) => GatewayError][];
  it('has entries', () => expect(catalogue.length).toBeGreaterThan(0));
  it.each(catalogue)('%s: export name equals code, documented, branded', (name, ErrorClass) => {
    const instance = new ErrorClass(1);
    expect(instance.code).toBe(name);
    expect(documented).toContain(`\`${name}\``);
    expect(isGatewayError(instance)).toBe(true);
    expect(instance.status).toBeGreaterThanOrEqual(400);
  });
}
