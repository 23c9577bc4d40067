// RFC 4180 CSV in a few lines (issue 13: papaparse was ≈ 7 KiB gzipped of the Worker for one upload and one
// download). Reading: quoted fields may hold the separator, `""` and newlines; CRLF, LF or CR end a row; the
// separator is guessed among those spreadsheets export (Italian and Estonian locales use `;`) the way papaparse
// did: the candidate whose first rows split into the steadiest number of fields, more fields breaking a tie.

export interface CsvParseResult {
  rows: string[][];
  /** A quote that never closes, or a closing quote followed by text: the file cannot be read as meant. */
  error?: { row: number; message: string };
}

const GUESS_ROWS = 10;

/** Splits `text` into rows of fields; rows whose fields are all blank are dropped. */
export function parseCsv(text: string, delimiter: string, maxRows = Infinity): CsvParseResult {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (row.join('').trim() !== '') rows.push(row);
    row = [];
  };
  while (i < text.length && rows.length < maxRows) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      const start = rows.length;
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close < 0) return { rows, error: { row: start, message: 'Quoted field unterminated' } };
        if (text[close + 1] === '"') {
          field += text.slice(j, close) + '"';
          j = close + 2;
          continue;
        }
        field += text.slice(j, close);
        i = close + 1;
        break;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r')
        return { rows, error: { row: start, message: 'Trailing quote on quoted field is malformed' } };
      continue;
    }
    if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += ch;
    }
    i++;
  }
  if (rows.length < maxRows && (field !== '' || row.length > 0)) endRow();
  return { rows };
}

/** The separator among `candidates` that splits the first rows most steadily into at least two fields. */
export function guessDelimiter(text: string, candidates: readonly string[]): string {
  let best: { delimiter: string; delta: number; avg: number } | undefined;
  for (const delimiter of candidates) {
    const { rows } = parseCsv(text, delimiter, GUESS_ROWS);
    if (!rows.length) continue;
    const counts = rows.map((r) => r.length);
    const avg = counts.reduce((a, b) => a + b, 0) / counts.length;
    const delta = counts.slice(1).reduce((sum, n, k) => sum + Math.abs(n - counts[k]!), 0);
    if (avg < 2) continue;
    if (!best || delta < best.delta || (delta === best.delta && avg > best.avg))
      best = { delimiter, delta, avg };
  }
  return best?.delimiter ?? candidates[0] ?? ',';
}

/**
 * One CSV row (RFC 4180 quoting, `\r\n` left to the caller). A cell matching `formula` gets a leading `'` so a
 * spreadsheet shows it as text (OWASP CSV injection), and is quoted.
 */
export function csvRow(cells: readonly string[], formula?: RegExp, delimiter = ','): string {
  return cells
    .map((cell) => {
      const text = formula?.test(cell) ? `'${cell}` : cell;
      const quote =
        text !== cell || /["\r\n\uFEFF]/.test(text) || text.includes(delimiter) || /^ | $/.test(text);
      return quote ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(delimiter);
}
