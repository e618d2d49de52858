// /etc/passwd and /etc/group as read from a CT, parsed into what user convergence compares.

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function lines(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('+') && !l.startsWith('-'))
    .map((l) => l.split(':'));
}

/** Entries by name; lines that are not `name:pw:uid:gid:gecos:home:shell` are skipped (NIS markers, junk). */
export function parsePasswd(text: string): Map<string, PasswdEntry> {
  const out = new Map<string, PasswdEntry>();
  for (const f of lines(text)) {
    if (f.length < 7 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) continue;
    if (!out.has(f[0]!)) out.set(f[0]!, { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! });
  }
  return out;
}

/** Entries by name, as `name:pw:gid:member,member`. */
export function parseGroup(text: string): Map<string, GroupEntry> {
  const out = new Map<string, GroupEntry>();
  for (const f of lines(text)) {
    if (f.length < 4 || !/^\d+$/.test(f[2]!)) continue;
    const members = f[3]!.split(',').map((m) => m.trim()).filter((m) => m !== '');
    if (!out.has(f[0]!)) out.set(f[0]!, { name: f[0]!, gid: Number(f[2]), members });
  }
  return out;
}

export function groupByGid(groups: ReadonlyMap<string, GroupEntry>, gid: number): GroupEntry | undefined {
  for (const g of groups.values()) if (g.gid === gid) return g;
  return undefined;
}
