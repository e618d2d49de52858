// JSON as Perl's JSON module writes it for pvesh: canonical (sorted keys); pretty = 3-space indent, `"key" : value`.
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function prettyJson(value: unknown, indent = ''): string {
  const v = sortKeys(value) as Json;
  const inner = `${indent}   `;
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[\n${v.map((e) => inner + prettyJson(e, inner)).join(',\n')}\n${indent}]`;
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (!keys.length) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)} : ${prettyJson(v[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}
