import { describe, expect, it } from 'vitest';
import { csvRow, guessDelimiter, parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted separators, doubled quotes, newlines in quotes and every line ending; drops blank rows', () => {
    const text = 'a;"b;c";"say ""hi"""\r\n"multi\nline";;x\r\r\n  ;\n"";z;""\n';
    expect(parseCsv(text, ';')).toEqual({
      rows: [
        ['a', 'b;c', 'say "hi"'],
        ['multi\nline', '', 'x'],
        ['', 'z', ''],
      ],
    });
    expect(parseCsv('a,b\rc,d', ',').rows).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    // A quote inside an unquoted field is text, as spreadsheets write it.
    expect(parseCsv('5" disk,x', ',').rows).toEqual([['5" disk', 'x']]);
  });

  it('reports an unterminated quote and text after a closing quote with the row they start on', () => {
    expect(parseCsv('phone,1\n"+447911000001,A', ',').error).toEqual({
      row: 1,
      message: 'Quoted field unterminated',
    });
    expect(parseCsv('h\n"a"b', ',').error?.row).toBe(1);
  });
});

describe('guessDelimiter', () => {
  it('picks the separator that splits rows steadily, not a decimal comma', () => {
    expect(guessDelimiter('phone;price\n+39333;1,50\n+39334;2,75', [',', ';', '\t', '|'])).toBe(';');
    expect(guessDelimiter('phone,1\n+447911000001,A', [',', ';', '\t', '|'])).toBe(',');
    expect(guessDelimiter('phone\t1\n+447911000001\tB', [',', ';', '\t', '|'])).toBe('\t');
    expect(guessDelimiter('phone\n+447911000001', [',', ';'])).toBe(',');
  });
});

describe('csvRow', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvRow(['plain', 'a,b', 'q"', ' lead', 'line\nbreak', ''])).toBe(
      'plain,"a,b","q"""," lead","line\nbreak",',
    );
    expect(csvRow(['=1+1', '+447911000001'], /^[=+]/)).toBe(`"'=1+1","'+447911000001"`);
  });
});
