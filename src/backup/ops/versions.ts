// Orders app versions ("1.0", "v2.3.1", "2.0-rc1") by their numeric parts; what cannot be ordered compares equal.

/** <0, 0, >0 as `a` is older, the same or newer than `b`; 0 when either has no numbers to compare. */
export function compareVersions(a: string, b: string): number {
  const nums = (v: string) => (/^v?(\d+(?:\.\d+)*)/.exec(v.trim())?.[1] ?? '').split('.').filter(Boolean).map(Number);
  const x = nums(a);
  const y = nums(b);
  if (x.length === 0 || y.length === 0) return 0;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
