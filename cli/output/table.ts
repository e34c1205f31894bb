import Table from 'cli-table3';

export type Cell = string | number | boolean | null | undefined;

function cellText(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value);
}

/** A list as a table with a header row; colourless so it reads the same in a file or a pipe. */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const rendered = new Table({ head: [...head], style: { head: [], border: [], compact: true } });
  for (const row of rows) rendered.push(row.map(cellText));
  return rendered.toString();
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** One record as aligned `label  value` lines. */
export function fields(rows: readonly (readonly [string, Cell])[]): string {
  const rendered = new Table({
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const [label, value] of rows) rendered.push([label, cellText(value)]);
  // cli-table3 pads every row to the widest value; the padding is noise at the end of a line.
  return rendered
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Shortens text for a table cell. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** An ISO instant as `YYYY-MM-DD HH:MM:SS` (UTC), or '-'. */
export function instant(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
