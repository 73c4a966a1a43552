import { riskRank, splitCharacters } from './moderate';

describe('splitCharacters', () => {
  it('cuts by characters, not bytes or UTF-16 units', () => {
    expect(splitCharacters('héllo', 2)).toEqual(['hé', 'll', 'o']);
    expect(splitCharacters('a😀b😀', 2)).toEqual(['a😀', 'b😀']);
    expect(splitCharacters('😀😀😀', 1)).toEqual(['😀', '😀', '😀']);
  });

  it('keeps a text within the limit whole', () => {
    expect(splitCharacters('abc', 3)).toEqual(['abc']);
    expect(splitCharacters('', 3)).toEqual(['']);
  });
});

describe('riskRank', () => {
  it('orders none < low < medium < high < max; an unknown level ranks below none', () => {
    expect(['none', 'low', 'medium', 'high', 'max'].map(riskRank)).toEqual([0, 1, 2, 3, 4]);
    expect(riskRank('extreme')).toBe(-1);
  });
});
