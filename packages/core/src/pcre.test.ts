import { compilePcre, expandPcreTemplate, PcreError, pcreGsub, pcreSub } from './pcre';

describe('pcre', () => {
  it('expands $N, ${N}, $0 and $$ like ngx.re.sub templates', () => {
    expect(expandPcreTemplate('[$0|$1|${2}|$$|$9]', ['ab', 'a', 'b'])).toBe('[ab|a|b|$|]');
  });

  it('sub replaces the first match, gsub every match', () => {
    const re = compilePcre('(\\d+)');
    expect(pcreSub('a1b22', re, '<$1>')).toEqual({ text: 'a<1>b22', count: 1 });
    expect(pcreGsub('a1b22', re, '<$1>')).toEqual({ text: 'a<1>b<22>', count: 2 });
    expect(pcreSub('ab', re, 'x')).toEqual({ text: 'ab', count: 0 });
  });

  it('maps ngx.re options and reports bad patterns', () => {
    expect(compilePcre('a', 'jio').flags).toBe('i');
    expect(() => compilePcre('(')).toThrow(PcreError);
  });
});
