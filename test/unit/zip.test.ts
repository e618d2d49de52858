// Zip members read in memory: a recorded Info-ZIP archive byte for byte, stored and deflated members, modes, and damage refused.
import { describe, expect, it } from 'vitest';
import { PxError } from '../../src/errors.js';
import { zipEntries, zipFind, zipRead } from '../../src/instances/zip.js';
import { zipBytes } from '../helpers/zip-bytes.js';

// `zip -q -X -r rel.zip . -i '*'` (Info-ZIP 3.0, the way Vikunja's magefile zips a release folder) of: LICENSE
// (20 lines, deflated), vikunja-v0.0.1-linux-amd64 (a 33-byte shell script, mode 0755, stored) and its .sha256.
const RECORDED = Buffer.from(
  'UEsDBBQAAAAIADZXgl37wrSpEgAAAAQBAAAHAAAATElDRU5TRfPxdHb1C3ZVKEmtKOHyGZkcAFBLAwQKAAAAAAA2V4Jd8ocBcCEAAAAhAAAAGgAAAHZpa3VuamEtdjAuMC4xLWxpbnV4LWFtZDY0IyEvYmluL3NoCmVjaG8gZmFrZSB2aWt1bmphICIkQCIKUEsDBBQAAAAIADZXgl2tczQETwAAAFwAAAAhAAAAdmlrdW5qYS12MC4wLjEtbGludXgtYW1kNjQuc2hhMjU2BcHbDcAgCAXQVVzARkQMdxxaMbGvP03H7znJleEucJgjFzbUzuUgZE9qSg3WlMitM0Mls6Cgtn4IBPsewhrXfE+LK21po3iPd37RnlbLD1BLAQIeAxQAAAAIADZXgl37wrSpEgAAAAQBAAAHAAAAAAAAAAEAAACkgQAAAABMSUNFTlNFUEsBAh4DCgAAAAAANleCXfKHAXAhAAAAIQAAABoAAAAAAAAAAQAAAO2BNwAAAHZpa3VuamEtdjAuMC4xLWxpbnV4LWFtZDY0UEsBAh4DFAAAAAgANleCXa1zNARPAAAAXAAAACEAAAAAAAAAAQAAAKSBkAAAAHZpa3VuamEtdjAuMC4xLWxpbnV4LWFtZDY0LnNoYTI1NlBLBQYAAAAAAwADAMwAAAAeAQAAAAA=',
  'base64',
);

describe('zip members', () => {
  it('lists and reads a recorded Info-ZIP archive: names, methods, sizes, Unix modes, contents', () => {
    const entries = zipEntries(RECORDED);
    expect(entries.map((e) => [e.name, e.method, e.size, e.mode.toString(8)])).toEqual([
      ['LICENSE', 8, 260, '100644'],
      ['vikunja-v0.0.1-linux-amd64', 0, 33, '100755'],
      ['vikunja-v0.0.1-linux-amd64.sha256', 8, 92, '100644'],
    ]);
    expect(zipRead(RECORDED, zipFind(entries, 'vikunja-v0.0.1-linux-amd64')!).toString()).toBe('#!/bin/sh\necho fake vikunja "$@"\n');
    expect(zipRead(RECORDED, zipFind(entries, './vikunja-v0.0.1-linux-amd64.sha256')!).toString()).toBe(
      '0e839ee59e9ae9243a96f34c192e08a81d9ad811eaf339852359496dfc5959bb  vikunja-v0.0.1-linux-amd64',
    );
    expect(zipRead(RECORDED, entries[0]!).toString()).toBe('LICENSE text\n'.repeat(20));
    expect(zipFind(entries, 'missing')).toBeUndefined();
  });

  it('reads what the test writer makes (stored and deflated, a trailing comment-free end record)', () => {
    const big = Buffer.alloc(100_000, 'ab');
    const zip = zipBytes([{ name: 'dir/a', content: 'hello' }, { name: 'b', content: big, deflate: true, mode: 0o755 }]);
    const entries = zipEntries(zip);
    expect(entries.map((e) => e.name)).toEqual(['dir/a', 'b']);
    expect(zipRead(zip, entries[1]!).equals(big)).toBe(true);
    expect(entries[1]!.compressedSize).toBeLessThan(1000);
    expect(entries[1]!.mode & 0o777).toBe(0o755);
  });

  it('refuses a file that is no zip, a damaged member and a zip64 archive, each in one line naming the archive', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as PxError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => zipEntries(Buffer.from('not a zip at all, just text'.repeat(3)), 'x.zip')).message).toBe('x.zip is not a readable zip archive: no end-of-central-directory record');
    const damaged = Buffer.from(RECORDED);
    const at = zipEntries(RECORDED)[1]!.offset + 30 + 26 + 3; // one byte of the stored script
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0xff, at);
    expect(err(() => zipRead(damaged, zipEntries(damaged)[1]!, 'r.zip')).message).toBe('r.zip is not a readable zip archive: vikunja-v0.0.1-linux-amd64 fails its CRC-32 check');
    const zip64 = Buffer.from(RECORDED);
    zip64.writeUInt32LE(0xffffffff, zip64.length - 22 + 16);
    expect(err(() => zipEntries(zip64, 'z.zip')).message).toMatch(/zip64 archives are not supported$/);
    expect(err(() => zipEntries(zip64, 'z.zip'))).toBeInstanceOf(PxError);
  });
});
