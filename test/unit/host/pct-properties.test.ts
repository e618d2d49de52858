// Property strings: built in PVE's print order, parsed leniently, round-tripping what PVE prints.
import { describe, expect, it } from 'vitest';
import { formatDev, formatFeatures, formatMount, formatNet, parseDev, parseDiskSize, parseFeatures, parseMount, parseNet } from '../../../src/host/pct.js';
import { formatPropertyString, parsePropertyString, parsePveBool } from '../../../src/host/property-string.js';

describe('property strings', () => {
  it('net: name first, then keys sorted like Perl (host-managed before hwaddr)', () => {
    expect(formatNet({ name: 'eth0', type: 'veth', ip: 'dhcp', hwaddr: 'BC:24:11:00:00:01', hostManaged: true, bridge: 'vmbr0' })).toBe(
      'name=eth0,bridge=vmbr0,host-managed=1,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth',
    );
    expect(formatNet({ name: 'eth0', linkDown: true, trunks: [1, 2], tag: 5, mtu: 1400, rate: 2.5, extra: { zeta: 'z', alpha: 'a' } })).toBe(
      'name=eth0,alpha=a,link_down=1,mtu=1400,rate=2.5,tag=5,trunks=1;2,zeta=z',
    );
  });

  it('round-trips what PVE prints', () => {
    const printed = [
      'name=eth0,bridge=vmbr0,host-managed=1,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth',
      'name=eth1,bridge=vmbr0,firewall=1,gw=10.0.0.1,gw6=fd00::1,hwaddr=BC:24:11:00:00:02,ip=10.0.0.5/24,ip6=fd00::5/64,link_down=0,mtu=1450,tag=20,trunks=10;20,type=veth',
    ];
    for (const p of printed) expect(formatNet(parseNet(p))).toBe(p);
    const mounts = ['local-lvm:vm-200-disk-1,mp=/data,backup=1,size=10G', '/srv/x,mp=/x,acl=1,mountoptions=noatime;nosuid,quota=0,ro=1,shared=1'];
    for (const p of mounts) expect(formatMount(parseMount(p))).toBe(p);
    expect(formatFeatures(parseFeatures('force_rw_sys=1,fuse=1,keyctl=1,mknod=0,mount=nfs;cifs,nesting=1'))).toBe('force_rw_sys=1,fuse=1,keyctl=1,mknod=0,mount=nfs;cifs,nesting=1');
    expect(formatDev(parseDev('/dev/ttyUSB0,deny-write=1,gid=20,mode=0660,uid=0'))).toBe('/dev/ttyUSB0,deny-write=1,gid=20,mode=0660,uid=0');
  });

  it('mount: volume bare, then mp, then the rest sorted; explicit volume= and path= are understood', () => {
    expect(formatMount({ volume: 'local-lvm:8', size: '8G', mp: '/data', backup: true })).toBe('local-lvm:8,mp=/data,backup=1,size=8G');
    expect(parseMount('volume=local:200/vm-200-disk-0.raw,size=4G')).toEqual({ volume: 'local:200/vm-200-disk-0.raw', size: '4G' });
    expect(parseDev('path=/dev/dri/card0')).toEqual({ path: '/dev/dri/card0' });
  });

  it('keeps unknown keys and unreadable typed values in extra', () => {
    expect(parseNet('name=eth0,future-flag=1,tag=notanumber,firewall=maybe')).toEqual({
      name: 'eth0',
      extra: { 'future-flag': '1', tag: 'notanumber', firewall: 'maybe' },
    });
    expect(parseFeatures('nesting=1,newthing=on')).toEqual({ nesting: true, extra: { newthing: 'on' } });
  });

  it('refuses an extra key that duplicates a typed field', () => {
    expect(() => formatNet({ name: 'eth0', bridge: 'vmbr0', extra: { bridge: 'vmbr1' } })).toThrow(/duplicates/);
  });

  it('booleans: PVE spellings in, 1/0 out', () => {
    expect(['1', 'on', 'YES', 'true'].map(parsePveBool)).toEqual([true, true, true, true]);
    expect(['0', 'off', 'no', 'False'].map(parsePveBool)).toEqual([false, false, false, false]);
    expect(parsePveBool('2')).toBeUndefined();
  });

  it('generic split/join', () => {
    expect(parsePropertyString('a,b=1,,c=x=y', 'vol')).toEqual([
      ['vol', 'a'],
      ['b', '1'],
      ['c', 'x=y'],
    ]);
    expect(formatPropertyString([['b', '2'], ['a', '1']])).toBe('a=1,b=2');
  });

  it('parseDiskSize', () => {
    expect(parseDiskSize('8G')).toBe(8 * 1024 ** 3);
    expect(parseDiskSize('512M')).toBe(512 * 1024 ** 2);
    expect(parseDiskSize('1.5T')).toBe(1.5 * 1024 ** 4);
    expect(parseDiskSize('10GiB')).toBe(10 * 1024 ** 3);
    expect(parseDiskSize('4096')).toBe(4096);
    expect(parseDiskSize('big')).toBeUndefined();
  });
});
