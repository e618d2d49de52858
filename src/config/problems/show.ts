// How a user's value is quoted inside a message: short, typed, and never a secret.

const MAX = 60;

/** `"abc"`, `200`, `true`, `a list`, `a mapping`, `nothing` — what the user wrote, briefly. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const s = value.length > MAX ? `${value.slice(0, MAX)}…` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  return 'a mapping';
}
