/**
 * RFC 4180 cells, safe to open in a spreadsheet: a cell that starts with = + - @ tab or CR would be read
 * as a formula, so it gets a leading apostrophe. A cell that already starts with an apostrophe gets one
 * too, which keeps the encoding reversible: strip one leading apostrophe to get the value back.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** The inverse of the neutralization, for readers of our exports. */
export const csvValue = (cell: string): string => (cell.startsWith("'") ? cell.slice(1) : cell);
