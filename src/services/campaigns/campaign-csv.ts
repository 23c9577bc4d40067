// Campaign recipients from a CSV upload or a JSON list (issue 7). The header row names the columns: one is the
// phone, the others fill template variables. Spreadsheet exports differ: BOM, `;` separators (Italian and
// Estonian locales use the comma as decimal mark), quoted fields with commas and newlines (src/core/csv.ts).
import { csvRow, guessDelimiter, parseCsv } from '../../core/csv';
import { AppError } from '../../core/errors';
import type { TemplateVariable } from '../../core/template';

export interface RecipientInput {
  /** 1-based row of the upload (the header is row 0), for messages the admin can act on. */
  row: number;
  phone: string;
  name: string | null;
  /** Raw column values keyed by variable id (`body.1`, `header.1`, `button.0.1`). */
  values: Record<string, string>;
}

const PHONE_COLUMNS = [
  'phone',
  'phone_number',
  'phonenumber',
  'number',
  'mobile',
  'to',
  'whatsapp',
  'telefono',
  'telefon',
  // A customer known only by WhatsApp username is reached by their business-scoped user ID (issue 11).
  'recipient',
  'bsuid',
  'user_id',
];
const NAME_COLUMNS = ['name', 'full_name', 'nome', 'nimi'];

const normalizeHeader = (h: string) =>
  h
    .trim()
    .replace(/^\{\{\s*|\s*\}\}$/g, '')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * Maps a column header to a template variable id. Accepted: the id itself (`body.1`, `header.1`), the bare
 * key (`1`, `first_name`, `{{1}}`) — a body variable wins over a header one with the same key.
 */
export function columnVariable(header: string, variables: readonly TemplateVariable[]): string | undefined {
  const h = normalizeHeader(header);
  const exact = variables.find((v) => v.id.toLowerCase() === h);
  if (exact) return exact.id;
  const byKey = variables.filter((v) => v.key.toLowerCase() === h);
  return (byKey.find((v) => v.location === 'body') ?? byKey[0])?.id;
}

export interface ParsedRecipients {
  recipients: RecipientInput[];
  /** Columns that are neither the phone, the name, nor a variable of the template (reported, not fatal). */
  unusedColumns: string[];
}

export function parseRecipientsCsv(text: string, variables: readonly TemplateVariable[]): ParsedRecipients {
  const body = text.replace(/^\uFEFF/, '');
  // Auto-detect among the separators spreadsheets actually export.
  const parsed = parseCsv(body, guessDelimiter(body, [',', ';', '\t', '|']));
  const fatal = parsed.error;
  if (fatal) {
    throw new AppError('invalid_request', `CSV is malformed at row ${fatal.row + 1}: ${fatal.message}`, [
      { path: 'csv', message: fatal.message },
    ]);
  }
  const [header, ...rows] = parsed.rows;
  if (!header)
    throw new AppError('invalid_request', 'CSV is empty', [{ path: 'csv', message: 'no header row' }]);
  const names = header.map(normalizeHeader);
  const phoneIndex = names.findIndex((n) => PHONE_COLUMNS.includes(n));
  if (phoneIndex < 0) {
    throw new AppError('invalid_request', `CSV needs a phone column (one of: ${PHONE_COLUMNS.join(', ')})`, [
      { path: 'csv', message: `header: ${header.join(', ')}` },
    ]);
  }
  const nameIndex = names.findIndex((n) => NAME_COLUMNS.includes(n));
  const columns = header.map((h, i) => (i === phoneIndex ? undefined : columnVariable(h, variables)));
  const unusedColumns = header.filter(
    (_, i) => i !== phoneIndex && i !== nameIndex && columns[i] === undefined,
  );
  const recipients = rows.map((cells, index) => {
    const values: Record<string, string> = {};
    columns.forEach((id, i) => {
      const cell = cells[i];
      // An empty cell is a missing value, reported per recipient by the preflight.
      if (id && cell !== undefined && cell.trim() !== '') values[id] = cell.trim();
    });
    const name = nameIndex >= 0 ? (cells[nameIndex]?.trim() ?? '') : '';
    return { row: index + 1, phone: cells[phoneIndex] ?? '', name: name || null, values };
  });
  return { recipients, unusedColumns };
}

/** JSON list: variables may be keyed by id or bare key, like CSV columns. */
export function recipientsFromList(
  list: readonly { phone: string; name?: string; variables?: Record<string, string> }[],
  variables: readonly TemplateVariable[],
): ParsedRecipients {
  const unused = new Set<string>();
  const recipients = list.map((item, index) => {
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(item.variables ?? {})) {
      const id = columnVariable(key, variables);
      if (!id) unused.add(key);
      else if (value.trim() !== '') values[id] = value.trim();
    }
    return { row: index + 1, phone: item.phone, name: item.name?.trim() || null, values };
  });
  return { recipients, unusedColumns: [...unused] };
}

// A cell a spreadsheet would evaluate; `+` followed by a digit is a phone number and is left alone.
const FORMULA = /^([=@\t\r]|[+-](?![\d\s]))/;

/** One CSV line for the recipients download (RFC 4180 quoting, formula-looking cells defused for spreadsheets). */
export function csvLine(cells: readonly (string | number | null)[]): string {
  return csvRow(
    cells.map((c) => (c === null ? '' : String(c))),
    FORMULA,
  );
}
