// "did you mean" suggestions: edit distance ≤ 2 or a prefix of at least three characters.
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../../src/config/problems/did-you-mean.js';

describe('did you mean', () => {
  it('computes edit distance', () => {
    expect(editDistance('memroy', 'memory')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('bridge', 'bridge')).toBe(0);
  });

  it('suggests close names, case-insensitively', () => {
    expect(closest('memroy', ['cores', 'memory', 'storage'])).toBe('memory');
    expect(closest('Hostname', ['hostname', 'template'])).toBe('hostname');
    expect(closest('ip4', ['ip', 'ip6', 'gateway'])).toBe('ip');
  });

  it('suggests by prefix of at least three characters', () => {
    expect(closest('mount', ['mount_points', 'devices'])).toBe('mount_points');
    expect(closest('mem', ['memory'])).toBe('memory');
    expect(closest('me', ['memory'])).toBeUndefined();
  });

  it('prefers a real typo over a prefix match', () => {
    expect(closest('ip6', ['ip6x_long', 'ip7'])).toBe('ip7');
  });

  it('stays silent when nothing is close', () => {
    expect(didYouMean('colour', ['hostname', 'template', 'tags'])).toBe('');
    expect(didYouMean('memroy', ['memory'])).toBe(' (did you mean "memory"?)');
  });
});
