// CSV recipients (issue 7): header mapping to template variables, spreadsheet quirks, and the report CSV.
import { describe, expect, it } from 'vitest';
import type { TemplateVariable } from '../../src/core/template';
import { CAMPAIGN_SEND_RETRY } from '../../src/services/campaigns/campaign-runner';
import { retryDelayMs } from '../../src/platform/retry-policy';
import {
  columnVariable,
  csvLine,
  parseRecipientsCsv,
  recipientsFromList,
} from '../../src/services/campaigns/campaign-csv';

const vars: TemplateVariable[] = [
  { id: 'header.1', location: 'header', key: '1' },
  { id: 'body.1', location: 'body', key: '1' },
  { id: 'body.first_name', location: 'body', key: 'first_name' },
  { id: 'button.0.1', location: 'button', key: '1', buttonIndex: 0 },
];

describe('CSV recipients', () => {
  it('maps headers to variable ids: exact id, bare key (body first), {{placeholder}}', () => {
    expect(columnVariable('header.1', vars)).toBe('header.1');
    expect(columnVariable('1', vars)).toBe('body.1');
    expect(columnVariable('{{1}}', vars)).toBe('body.1');
    expect(columnVariable(' First Name ', vars)).toBe('body.first_name');
    expect(columnVariable('Button.0.1', vars)).toBe('button.0.1');
    expect(columnVariable('city', vars)).toBeUndefined();
  });

  it('handles a BOM, ; separators, quoted separators and newlines, CRLF and blank lines', () => {
    const text =
      '\uFEFFTelefono;Nome;{{1}};first_name;city\r\n+39 333 1234567;"Rossi; Anna";"a;b";"Line\nbreak";Roma\r\n\r\n0039 333 7654321;Bo;x;;Milano\r\n';
    const parsed = parseRecipientsCsv(text, vars);
    expect(parsed.unusedColumns).toEqual(['city']);
    expect(parsed.recipients).toEqual([
      {
        row: 1,
        phone: '+39 333 1234567',
        name: 'Rossi; Anna',
        values: { 'body.1': 'a;b', 'body.first_name': 'Line\nbreak' },
      },
      // An empty cell is no value: the preflight reports it as missing.
      { row: 2, phone: '0039 333 7654321', name: 'Bo', values: { 'body.1': 'x' } },
    ]);
  });

  it('auto-detects commas and tabs', () => {
    expect(parseRecipientsCsv('phone,1\n+447911000001,A', vars).recipients[0]!.values).toEqual({
      'body.1': 'A',
    });
    expect(parseRecipientsCsv('phone\t1\n+447911000001\tB', vars).recipients[0]!.values).toEqual({
      'body.1': 'B',
    });
  });

  it('refuses a file without a phone column or with a broken quote, naming the problem', () => {
    expect(() => parseRecipientsCsv('name,1\nA,B', vars)).toThrow(/phone column/);
    expect(() => parseRecipientsCsv('phone,1\n"+447911000001,A', vars)).toThrow(/malformed at row/);
    expect(() => parseRecipientsCsv('', vars)).toThrow(/empty/);
  });

  it('takes a JSON list with the same key rules', () => {
    const parsed = recipientsFromList(
      [{ phone: '+447911000001', name: ' Ann ', variables: { '1': 'A', zip: '1' } }],
      vars,
    );
    expect(parsed).toEqual({
      recipients: [{ row: 1, phone: '+447911000001', name: 'Ann', values: { 'body.1': 'A' } }],
      unusedColumns: ['zip'],
    });
  });

  it('writes report lines with RFC 4180 quoting and defuses spreadsheet formulas', () => {
    expect(csvLine([1, '+447911000001', 'a "b", c', null])).toBe('1,+447911000001,"a ""b"", c",');
    expect(csvLine(['=HYPERLINK("x")'])).toBe(`"'=HYPERLINK(""x"")"`);
  });
});

describe('campaign retry backoff', () => {
  it('grows from 250 ms with jitter and never undercuts Retry-After', () => {
    expect(retryDelayMs(CAMPAIGN_SEND_RETRY, 0, 0, () => 0)).toBe(125);
    expect(retryDelayMs(CAMPAIGN_SEND_RETRY, 0, 0, () => 1)).toBe(250);
    expect(retryDelayMs(CAMPAIGN_SEND_RETRY, 3, 0, () => 1)).toBe(2_000);
    expect(retryDelayMs(CAMPAIGN_SEND_RETRY, 20, 0, () => 1)).toBe(60_000);
    expect(retryDelayMs(CAMPAIGN_SEND_RETRY, 0, 2_000, () => 1)).toBe(2_000);
  });
});
