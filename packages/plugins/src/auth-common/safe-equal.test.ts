import { safeEqual } from './safe-equal';

describe('safeEqual', () => {
  it('is true only for equal secrets, whatever their lengths', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secreT')).toBe(false);
    expect(safeEqual('secret', 'secret-longer')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual(Buffer.from('k'), 'k')).toBe(true);
  });
});
