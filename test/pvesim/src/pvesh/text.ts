// pvesh's default `text` output (CLIFormatter): bare scalars, key/value tables for objects, bordered tables for lists.
function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function table(headers: string[], rows: string[][], border: boolean, header: boolean): string {
  const widths = headers.map((h, i) => Math.max(header ? h.length : 0, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    border ? `│ ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' │ ')} │\n` : `${cells.map((c, i) => c.padEnd(widths[i]!)).join(' ')}`.replace(/ +$/, '') + '\n';
  const rule = (l: string, m: string, r: string, f: string): string => (border ? `${l}${widths.map((w) => f.repeat(w + 2)).join(m)}${r}\n` : '');
  let out = rule('┌', '┬', '┐', '─');
  if (header) out += line(headers) + rule('╞', '╪', '╡', '═');
  rows.forEach((r, i) => {
    out += line(r);
    if (i < rows.length - 1) out += rule('├', '┼', '┤', '─');
  });
  return out + rule('└', '┴', '┘', '─');
}

export function formatText(data: unknown, border: boolean, header: boolean): string {
  if (data === null || data === undefined) return '';
  if (Array.isArray(data)) {
    if (!data.length) return '';
    if (data.every((e) => e && typeof e === 'object' && !Array.isArray(e))) {
      const keys = [...new Set(data.flatMap((e) => Object.keys(e as object)))].sort();
      return table(keys, data.map((e) => keys.map((k) => cell((e as Record<string, unknown>)[k]))), border, header);
    }
    return data.map((e) => `${cell(e)}\n`).join('');
  }
  if (typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return table(['key', 'value'], keys.map((k) => [k, cell(obj[k])]), border, header);
  }
  return `${cell(data)}\n`;
}
