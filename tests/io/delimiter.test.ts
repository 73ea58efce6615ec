import { describe, expect, it } from 'vitest';
import { DELIMITER_CANDIDATES, detectDelimiter } from '../../src/io/delimiter';

describe('detectDelimiter', () => {
  it.each([
    ['comma', 'date,value\n1,2\n', ','],
    ['semicolon with decimal commas below', 'date;value\n2020-01;1,5\n', ';'],
    ['tab', 'date\tvalue\tx\n', '\t'],
    ['pipe', 'date|value\n', '|'],
    ['one column', 'value\n1\n', ','],
    ['quoted commas ignored', '"a,b,c";d;e\n', ';'],
    ['byte-order mark and CRLF', '\uFEFFa;b\r\nc,d,e,f\r\n', ';'],
    ['a tie goes to the comma', 'a,b;c\n', ','],
  ])('%s', (_name, text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });

  it('lists its candidates in preference order', () => {
    expect(DELIMITER_CANDIDATES).toEqual([',', ';', '\t', '|']);
  });
});
