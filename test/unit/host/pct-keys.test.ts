// The pct key table and its codec: property strings in PVE's print order, lenient reads, bool spellings, key-name ownership.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEV, FEATURES, MOUNT, NET, PCT_KEYS, formatProp, formatScalar, lookupKey, parseProp, parseScalar, parseValue, printValue, type KeyDesc, type PctKey } from '../../../src/host/pct.js';
import { formatPropertyString, parsePropertyString, parsePveBool } from '../../../src/host/property-string.js';

describe('property strings (NET, MOUNT, FEATURES, DEV)', () => {
  it('net: name= first, then keys sorted like Perl (host-managed before hwaddr)', () => {
    expect(formatProp(NET, { name: 'eth0', type: 'veth', ip: 'dhcp', hwaddr: 'BC:24:11:00:00:01', 'host-managed': true, bridge: 'vmbr0' })).toBe(
      'name=eth0,bridge=vmbr0,host-managed=1,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth',
    );
  });

  it('net: after the leading name, keys and extras sorted together like Perl', () => {
    expect(formatProp(NET, { name: 'eth0', link_down: true, trunks: ['1', '2'], tag: 5, mtu: 1400, rate: 2.5, extra: { zeta: 'z', alpha: 'a' } })).toBe(
      'name=eth0,alpha=a,link_down=1,mtu=1400,rate=2.5,tag=5,trunks=1;2,zeta=z',
    );
  });

  it('round-trips what PVE prints', () => {
    const printed = [
      'name=eth0,bridge=vmbr0,host-managed=1,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth',
      'name=eth1,bridge=vmbr0,firewall=1,gw=10.0.0.1,gw6=fd00::1,hwaddr=BC:24:11:00:00:02,ip=10.0.0.5/24,ip6=fd00::5/64,link_down=0,mtu=1450,tag=20,trunks=10;20,type=veth',
    ];
    for (const p of printed) expect(formatProp(NET, parseProp(NET, p))).toBe(p);
    const mounts = ['local-lvm:vm-200-disk-1,mp=/data,backup=1,size=10G', '/srv/x,mp=/x,acl=1,mountoptions=noatime;nosuid,quota=0,ro=1,shared=1'];
    for (const p of mounts) expect(formatProp(MOUNT, parseProp(MOUNT, p))).toBe(p);
    expect(formatProp(FEATURES, parseProp(FEATURES, 'force_rw_sys=1,fuse=1,keyctl=1,mknod=0,mount=nfs;cifs,nesting=1'))).toBe('force_rw_sys=1,fuse=1,keyctl=1,mknod=0,mount=nfs;cifs,nesting=1');
    expect(formatProp(DEV, parseProp(DEV, '/dev/ttyUSB0,deny-write=1,gid=20,mode=0660,uid=0'))).toBe('/dev/ttyUSB0,deny-write=1,gid=20,mode=0660,uid=0');
  });

  it('net: a bare first element still reads as the name (lenient), but prints as name=', () => {
    expect(parseProp(NET, 'eth0,bridge=vmbr0')).toEqual({ name: 'eth0', bridge: 'vmbr0' });
    expect(formatProp(NET, parseProp(NET, 'eth0,bridge=vmbr0'))).toBe('name=eth0,bridge=vmbr0');
  });

  it('net: typed fields use PVE names (link_down, host-managed), trunks is a `;` list', () => {
    expect(parseProp(NET, 'name=eth1,bridge=vmbr0,host-managed=1,link_down=0,mtu=1450,rate=12.5,tag=20,trunks=10;20')).toEqual({
      name: 'eth1', bridge: 'vmbr0', 'host-managed': true, link_down: false, mtu: 1450, rate: 12.5, tag: 20, trunks: ['10', '20'],
    });
  });

  it('mount: volume bare, then mp, then the rest sorted; explicit volume= and path= are understood', () => {
    expect(formatProp(MOUNT, { volume: 'local-lvm:8', size: '8G', mp: '/data', backup: true })).toBe('local-lvm:8,mp=/data,backup=1,size=8G');
    expect(parseProp(MOUNT, 'volume=local:200/vm-200-disk-0.raw,size=4G')).toEqual({ volume: 'local:200/vm-200-disk-0.raw', size: '4G' });
    expect(parseProp(DEV, 'path=/dev/dri/card0')).toEqual({ path: '/dev/dri/card0' });
    expect(formatProp(DEV, { path: '/dev/ttyUSB0', mode: '0660', gid: 20, 'deny-write': false })).toBe('/dev/ttyUSB0,deny-write=0,gid=20,mode=0660');
  });

  it('keeps unknown keys and unreadable typed values in extra, and prints them back', () => {
    const odd = 'name=eth0,future-flag=1,tag=notanumber,firewall=maybe';
    expect(parseProp(NET, odd)).toEqual({ name: 'eth0', extra: { 'future-flag': '1', tag: 'notanumber', firewall: 'maybe' } });
    expect(formatProp(NET, parseProp(NET, odd)).split(',').slice(1)).toEqual(['firewall=maybe', 'future-flag=1', 'tag=notanumber']);
    expect(parseProp(FEATURES, 'nesting=1,newthing=on')).toEqual({ nesting: true, extra: { newthing: 'on' } });
    expect(formatProp(FEATURES, { nesting: true, extra: { newthing: 'on' } })).toBe('nesting=1,newthing=on');
  });

  it('refuses an extra key that duplicates a typed field, and commas inside values', () => {
    expect(() => formatProp(NET, { name: 'eth0', bridge: 'vmbr0', extra: { bridge: 'vmbr1' } })).toThrow(/given twice/);
    expect(() => formatProp(MOUNT, { volume: 'a:1', mp: '/a,b' })).toThrow(/must not contain ','/);
    expect(() => formatProp(FEATURES, { extra: { x: 'a,b' } })).toThrow(/must not contain ','/);
  });
});

describe('scalars and special values', () => {
  it('booleans: PVE spellings in, 1/0 out', () => {
    expect(['1', 'on', 'YES', 'true'].map(parsePveBool)).toEqual([true, true, true, true]);
    expect(['0', 'off', 'no', 'False'].map(parsePveBool)).toEqual([false, false, false, false]);
    expect(parsePveBool('2')).toBeUndefined();
    expect(['yes', 'Off', ' 1 '].map((v) => parseScalar('bool', v))).toEqual([true, false, true]);
    expect([formatScalar('bool', true), formatScalar('bool', false)]).toEqual(['1', '0']);
  });

  it('numbers read leniently: what does not read as its type is undefined, never NaN', () => {
    expect(parseScalar('int', ' 02 ')).toBe(2);
    expect(parseScalar('int', '-5')).toBe(-5);
    expect(parseScalar('int', '1.5')).toBeUndefined();
    expect(parseScalar('int', 'many')).toBeUndefined();
    expect(parseScalar('number', '12.5')).toBe(12.5);
    expect(parseScalar('number', '1e3')).toBeUndefined();
    expect(parseScalar('string', ' kept as is ')).toBe(' kept as is ');
  });

  it('lists: `;` and `,` lists split on their separator; space lists also take `,` and `;` (split_list)', () => {
    expect(parseScalar('list;', 'nfs;cifs;')).toEqual(['nfs', 'cifs']);
    expect(parseScalar('list,', 'mp0,net1')).toEqual(['mp0', 'net1']);
    expect(parseScalar('list ', '1.1.1.1  9.9.9.9,8.8.8.8;4.4.4.4')).toEqual(['1.1.1.1', '9.9.9.9', '8.8.8.8', '4.4.4.4']);
    expect(formatScalar('list ', ['a', 'b'])).toBe('a b');
    expect(formatScalar('list;', ['a', 'b'])).toBe('a;b');
  });

  it('tags split on ; , and whitespace, print with ;', () => {
    expect(parseValue(PCT_KEYS.tags, 'prod;web, x y')).toEqual(['prod', 'web', 'x', 'y']);
    expect(parseValue(PCT_KEYS.tags, ' ')).toEqual([]);
    expect(printValue(PCT_KEYS.tags, ['a', 'b'])).toBe('a;b');
  });

  it('env: NUL-separated, empty values kept, entries without a name dropped; prints NUL-joined', () => {
    expect(parseValue(PCT_KEYS.env, 'A=1\0EMPTY=\0B=x=y\0junk\0=z')).toEqual({ A: '1', EMPTY: '', B: 'x=y' });
    expect(printValue(PCT_KEYS.env, { A: '1', EMPTY: '' })).toBe('A=1\0EMPTY=');
  });

  it('generic split/join', () => {
    expect(parsePropertyString('a,b=1,,c=x=y', 'vol')).toEqual([
      ['vol', 'a'],
      ['b', '1'],
      ['c', 'x=y'],
    ]);
    expect(formatPropertyString([['b', '2'], ['a', '1']])).toBe('a=1,b=2');
  });
});

describe('key table', () => {
  it('looks up printed keys, indexed ones only with a canonical index in range', () => {
    expect(lookupKey('memory')).toMatchObject({ name: 'memory' });
    expect(lookupKey('mp10')).toMatchObject({ name: 'mp', index: 10 });
    expect(lookupKey('net31')).toMatchObject({ name: 'net', index: 31 });
    for (const k of ['net32', 'mp256', 'mp01', 'mp', 'memory0', 'memroy', 'futurekey']) expect(lookupKey(k)).toBeUndefined();
  });

  it('apply modes follow pve-cli.md §3.6 (direct / hotplug / new)', () => {
    const byApply = (a: string) => Object.entries(PCT_KEYS as Record<string, KeyDesc>).filter(([, d]) => d.apply === a).map(([k]) => k).sort();
    expect(byApply('direct')).toEqual(['cores', 'description', 'hookscript', 'hostname', 'lock', 'onboot', 'protection', 'startup', 'tags', 'unused']);
    expect(byApply('hotplug')).toEqual(['cpulimit', 'cpuunits', 'memory', 'net', 'swap']);
    expect(byApply('new')).toEqual(['dev', 'mp']);
    expect(byApply('internal')).toEqual(['parent', 'snapstate', 'snaptime', 'template']);
  });
});

// Every key is spelled once, in keys.ts; elsewhere code goes through the table. The scan reads real string
// literals with the TypeScript parser (comments and identifiers are not literals), so it cannot trip on prose.
const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const SCANNED_DIRS = ['host/pct', 'backends'];

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/**
 * The pct config keys a source text spells as string literals (`'memory'`, `"net0"`, `` `mp${n}` ``). An indexed
 * access type (`PctCreateOptions['features']`) is not a spelling: it goes through the table and the compiler checks it.
 */
function keyLiterals(source: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateHead(node)) text = node.text;
    const isTypeIndex = node.parent !== undefined && ts.isLiteralTypeNode(node.parent) && ts.isIndexedAccessTypeNode(node.parent.parent) && node.parent.parent.indexType === node.parent;
    if (text !== undefined && !isTypeIndex) {
      const name = text in PCT_KEYS ? text : lookupKey(text)?.name;
      if (name !== undefined) found.push(name);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true));
  return found;
}

/**
 * Literals that equal a key name but are not that key. Each entry must still occur (a stale exception fails).
 * file is relative to src/.
 */
const NOT_A_KEY: Array<{ file: string; literal: PctKey; why: string }> = [
  { file: 'host/pct/keys.ts', literal: 'tags', why: "the 'tags' value type" },
  { file: 'host/pct/keys.ts', literal: 'description', why: "the 'description' value type" },
  { file: 'host/pct/keys.ts', literal: 'env', why: "the 'env' value type" },
  { file: 'host/pct/keys.ts', literal: 'mp', why: 'the mp= sub-key of the MOUNT format' },
  { file: 'host/pct/codec.ts', literal: 'tags', why: 'dispatch on the value type' },
  { file: 'host/pct/codec.ts', literal: 'description', why: 'dispatch on the value type' },
  { file: 'host/pct/codec.ts', literal: 'env', why: 'dispatch on the value type' },
  { file: 'host/pct/argv.ts', literal: 'description', why: 'a parameter of pct snapshot / pct clone' },
  { file: 'host/pct/argv.ts', literal: 'hostname', why: 'a parameter of pct clone' },
  { file: 'host/pct/argv.ts', literal: 'template', why: 'the pct template sub-command' },
  { file: 'host/pct/parse-status.ts', literal: 'swap', why: 'a pct status --verbose field' },
];

/** Spellings outside keys.ts that are src bugs (reported), kept apart so the main scan stays green and strict. */
const KNOWN_BUGS: Array<{ file: string; literal: PctKey }> = [];

function scanKeySpellings(): Array<{ file: string; literal: string }> {
  const files = SCANNED_DIRS.flatMap((d) => tsFiles(path.join(SRC, d)));
  return files.flatMap((f) => {
    const file = path.relative(SRC, f).split(path.sep).join('/');
    return [...new Set(keyLiterals(readFileSync(f, 'utf8')))].map((literal) => ({ file, literal }));
  });
}

describe('pct key names are spelled only in keys.ts', () => {
  it('the scanner finds literal keys, indexed spellings and template heads, and ignores comments and identifiers', () => {
    const src = "// 'memory' in a comment\nconst memory = 1; /* 'swap' */ f('hostname', `net${i}`, \"mp10\", 'unused', `cores`, 'nothere', 'net32', opts.features); type F = PctOptions['memory'];";
    expect(keyLiterals(src).sort()).toEqual(['cores', 'hostname', 'mp', 'net', 'unused']);
  });

  it('scans the pct sources (keys.ts among them)', () => {
    const files = SCANNED_DIRS.flatMap((d) => tsFiles(path.join(SRC, d))).map((f) => path.basename(f));
    expect(files).toEqual(expect.arrayContaining(['keys.ts', 'codec.ts', 'argv.ts', 'config-args.ts', 'parse-config.ts']));
  });

  it('no file spells a key as a string literal, apart from the listed non-key uses', () => {
    const isListed = (s: { file: string; literal: string }) =>
      [...NOT_A_KEY, ...KNOWN_BUGS].some((e) => e.file === s.file && e.literal === s.literal);
    expect(scanKeySpellings().filter((s) => !isListed(s))).toEqual([]);
  });

  it('no key is spelled in more than one file once the non-key uses are set aside', () => {
    const byKey = new Map<string, string[]>();
    for (const s of scanKeySpellings()) {
      if (NOT_A_KEY.some((e) => e.file === s.file && e.literal === s.literal)) continue;
      byKey.set(s.literal, [...(byKey.get(s.literal) ?? []), s.file]);
    }
    expect([...byKey].filter(([, files]) => files.length > 1)).toEqual([]);
  });

  it('every listed non-key use still exists (no stale exceptions)', () => {
    const found = scanKeySpellings();
    for (const e of NOT_A_KEY) expect(found, `${e.file}: ${e.literal} (${e.why})`).toContainEqual({ file: e.file, literal: e.literal });
  });

  it('parse-config.ts does not list the indexed keys itself', () => {
    const found = scanKeySpellings();
    expect(KNOWN_BUGS.filter((b) => found.some((s) => s.file === b.file && s.literal === b.literal))).toEqual([]);
  });
});
