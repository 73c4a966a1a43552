import { lastEventEnd } from './answer-hooks';

describe('lastEventEnd', () => {
  it.each([
    ['data: a\n\n', 9],
    ['data: a\n\ndata: b', 9],
    ['data: a\n\ndata: b\n\n', 18],
    ['data: a\r\n\r\ndata: b', 11],
    ['data: a\r\rdata: b', 9],
    ['data: a\n\r\nrest', 10],
    ['data: a\n', 0],
    ['data: a\r\n', 0],
    ['', 0],
  ])('%j ends its last whole event at %i', (text, end) => {
    expect(lastEventEnd(Buffer.from(text))).toBe(end);
  });
});
