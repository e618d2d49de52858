// mergeAuthorizedKeys: the managed block is replaced, everything else kept, and merging twice changes nothing.
import { describe, expect, it } from 'vitest';
import { mergeAuthorizedKeys } from '../../../src/provision/steps/authorized-keys.js';
import { KEY_ALICE, KEY_DEPLOY } from './helpers.js';

const OTHER = 'ssh-rsa AAAAB3NzaC1yc2E hand-added';

describe('mergeAuthorizedKeys', () => {
  it('writes only the block into an empty or missing file', () => {
    expect(mergeAuthorizedKeys('', [KEY_ALICE])).toBe(`# pxdeploy begin\n${KEY_ALICE}\n# pxdeploy end\n`);
  });

  it('keeps lines it did not write and appends the block after them', () => {
    expect(mergeAuthorizedKeys(`${OTHER}\n\n`, [KEY_ALICE, KEY_DEPLOY])).toBe(`${OTHER}\n# pxdeploy begin\n${KEY_ALICE}\n${KEY_DEPLOY}\n# pxdeploy end\n`);
  });

  it('replaces the previous block in place of appending a second one', () => {
    const before = `${OTHER}\n# pxdeploy begin\n${KEY_DEPLOY}\n# pxdeploy end\n# after\n`;
    expect(mergeAuthorizedKeys(before, [KEY_ALICE])).toBe(`${OTHER}\n# after\n# pxdeploy begin\n${KEY_ALICE}\n# pxdeploy end\n`);
  });

  it('is idempotent', () => {
    const once = mergeAuthorizedKeys(`${OTHER}\n`, [KEY_ALICE, KEY_DEPLOY]);
    expect(mergeAuthorizedKeys(once, [KEY_ALICE, KEY_DEPLOY])).toBe(once);
  });

  it('removes the block when no keys are wanted, leaving the other lines', () => {
    expect(mergeAuthorizedKeys(`${OTHER}\n# pxdeploy begin\n${KEY_ALICE}\n# pxdeploy end\n`, [])).toBe(`${OTHER}\n`);
  });

  it('a begin marker without an end swallows the rest (a block cut short)', () => {
    expect(mergeAuthorizedKeys(`${OTHER}\n# pxdeploy begin\n${KEY_DEPLOY}\n`, [KEY_ALICE])).toBe(`${OTHER}\n# pxdeploy begin\n${KEY_ALICE}\n# pxdeploy end\n`);
  });
});
