export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | null | undefined;
  align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis so one long error message cannot break the layout. */
  maxWidth?: number;
}

/** Renders rows as a plain-text table with a header and a rule, for terminals and logs. */
export function formatTable<Row>(rows: Row[], columns: Column<Row>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const text = String(column.value(row) ?? '');
      const max = column.maxWidth ?? Infinity;
      return text.length > max ? `${text.slice(0, max - 1)}…` : text;
    }),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] as string).length)),
  );
  const pad = (text: string, index: number) => {
    const width = widths[index] as number;
    return columns[index]?.align === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const lines = [
    columns.map((column, index) => pad(column.header, index)).join('  '),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map((line) => line.map(pad).join('  ')),
  ];
  return lines.map((line) => line.trimEnd()).join('\n');
}

/** "3m ago", "2h ago", "in 5m": enough precision to read feed health at a glance. */
export function relativeTime(at: number | null, now: number): string {
  if (at === null) return 'never';
  const delta = Math.round((at - now) / 1000);
  const size = Math.abs(delta);
  const text =
    size < 60 ? `${size}s` : size < 3600 ? `${Math.round(size / 60)}m` : size < 172_800 ? `${Math.round(size / 3600)}h` : `${Math.round(size / 86_400)}d`;
  return delta <= 0 ? `${text} ago` : `in ${text}`;
}
