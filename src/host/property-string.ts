// PVE property strings (`name=eth0,bridge=vmbr0,ip=dhcp`): generic split/join and boolean spelling.

/** PVE accepts these spellings for booleans in configs (case-insensitive). */
export function parsePveBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (v === '1' || v === 'on' || v === 'yes' || v === 'true') return true;
  if (v === '0' || v === 'off' || v === 'no' || v === 'false') return false;
  return undefined;
}

export function pveBool(value: boolean): '1' | '0' {
  return value ? '1' : '0';
}

/**
 * Split a property string into key/value pairs, in order. An element without `=` belongs to
 * `defaultKey` (e.g. the volume in `local-lvm:vm-200-disk-0,size=8G`); without a default key it is
 * kept under its own text with an empty value so nothing is lost.
 */
export function parsePropertyString(text: string, defaultKey?: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) out.push(defaultKey !== undefined ? [defaultKey, part] : [part, '']);
    else out.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  return out;
}

/**
 * Join pairs the way PVE prints them: `leading` keys first (in that order; the first one bare when
 * `bareFirst`), then every other key sorted like Perl's string sort.
 */
export function formatPropertyString(
  pairs: ReadonlyArray<readonly [string, string]>,
  opts: { leading?: readonly string[]; bareFirst?: boolean } = {},
): string {
  const leading = opts.leading ?? [];
  for (const [k, v] of pairs) {
    if (v.includes(',')) throw new Error(`property '${k}' value must not contain ',': ${JSON.stringify(v)}`);
  }
  const first = leading.flatMap((key) => pairs.filter(([k]) => k === key));
  const rest = pairs.filter(([k]) => !leading.includes(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...first, ...rest]
    .map(([k, v], i) => (i === 0 && opts.bareFirst && k === leading[0] ? v : `${k}=${v}`))
    .join(',');
}
