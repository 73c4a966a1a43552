import { describeErrorCatalogue } from '@tollgate/testkit';
import * as errors from './errors';

describe('@tollgate/config-store error catalogue', () => {
  describeErrorCatalogue(errors);

  it('measures key and value in UTF-8 bytes, up to the limit inclusive', () => {
    const key = '/apisix/routes/1';
    const fits = 'x'.repeat(errors.MAX_STORED_ITEM_BYTES - key.length);
    expect(errors.storedItemTooLarge(key, fits)).toBeUndefined();
    // One two-byte character instead of one ASCII one: a byte over, the same length in chars.
    const over = errors.storedItemTooLarge(key, `${fits.slice(1)}é`);
    expect(over).toBeInstanceOf(errors.StoreValueTooLargeError);
    expect(over?.message).toBe(
      `stored item would be ${errors.MAX_STORED_ITEM_BYTES + 1} bytes with its key, more than the ${errors.MAX_STORED_ITEM_BYTES} the config store accepts`,
    );
    expect(errors.isStoreValueTooLarge(over)).toBe(true);
    expect(errors.isStoreValueTooLarge(new Error('x'))).toBe(false);
  });
});
