// "did you mean" hints for unknown keys and enum values: the closest known name by edit distance or prefix.

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The known name a typo most likely meant: distance ≤ 2 (case-insensitive), or one is a prefix of
 * the other (at least 3 characters, so `a` does not suggest `accept_routes`). Undefined when nothing is close.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const n = name.toLowerCase();
    if (n === w) return name;
    const d = editDistance(w, n);
    const prefix = Math.min(w.length, n.length) >= 3 && (n.startsWith(w) || w.startsWith(n));
    if (d > 2 && !prefix) continue;
    // Prefer real edit-distance matches; a prefix match ranks just behind a distance-2 typo.
    const score = d <= 2 ? d : 2.5;
    if (!best || score < best.score) best = { name, score };
  }
  return best?.name;
}

/** ` (did you mean "memory"?)` or the empty string. */
export function didYouMean(word: string, known: readonly string[]): string {
  const hit = closest(word, known);
  return hit === undefined ? '' : ` (did you mean "${hit}"?)`;
}
