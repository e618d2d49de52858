// ${VAR} interpolation of single strings: defaults, escapes, missing and malformed references.
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/config/yaml/interpolate.js';

const env = { HOST: 'web', EMPTY: '', KEY: 'tskey-auth-1' };

describe('interpolate', () => {
  it('replaces set variables, several per string', () => {
    expect(interpolate('${HOST}-${HOST}.lan/${KEY}', env)).toEqual({ value: 'web-web.lan/tskey-auth-1', missing: [], invalid: [], used: ['HOST', 'KEY'] });
  });

  it('uses :- defaults when unset or empty, - defaults only when unset', () => {
    expect(interpolate('${NOPE:-a}|${EMPTY:-b}|${NOPE-c}|${EMPTY-d}|${HOST:-e}', env).value).toBe('a|b|c||web');
  });

  it('allows defaults containing spaces and colons', () => {
    expect(interpolate('${NOPE:-http://x:8080/a b}', env).value).toBe('http://x:8080/a b');
  });

  it('keeps $${ as a literal ${ and leaves bare $NAME and lone $ alone', () => {
    expect(interpolate('$${HOST} $HOST $ 5$ $$', env)).toEqual({ value: '${HOST} $HOST $ 5$ $$', missing: [], invalid: [], used: [] });
  });

  it('lists each missing variable once', () => {
    expect(interpolate('${A}${B}${A}', env).missing).toEqual(['A', 'B']);
  });

  it('reports malformed references as written', () => {
    expect(interpolate('${} ${1X} ${a b} ${OPEN', env).invalid).toEqual(['${}', '${1X}', '${a b}', '${OPEN']);
  });

  it('keeps an empty set variable as empty', () => {
    expect(interpolate('[${EMPTY}]', env)).toEqual({ value: '[]', missing: [], invalid: [], used: ['EMPTY'] });
  });
});
