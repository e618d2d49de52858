// Spec vs an existing CT: which of the keys the spec sets differ in `pct config`, as `memory: 512 → 1024` lines.
import { isDeepStrictEqual } from 'node:util';
import { lookupKey, printValue, type PctConfig, type PctCreateOptions } from '../host/pct.js';

export interface Difference {
  key: string;
  have: string;
  want: string;
}

/** `local-lvm:8` (allocation) against `local-lvm:vm-203-disk-0,size=8G`: same storage and size means unchanged. */
function sameVolume(want: string, have: string | undefined, haveSize: string | undefined): boolean {
  if (have === undefined) return false;
  const alloc = /^([^:\s]+):(\d+(?:\.\d+)?)$/.exec(want);
  if (!alloc) return want === have;
  const gib = Number(alloc[2]);
  const size = haveSize ? /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(haveSize) : null;
  const haveGib = size ? Number(size[1]) * ({ K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 } as Record<string, number>)[size[2] ?? 'G']! : NaN;
  return have.startsWith(`${alloc[1]}:`) && Math.abs(haveGib - gib) < 1e-6;
}

function comparable(key: string, want: unknown, have: unknown): boolean {
  if (key === 'rootfs' || /^mp\d+$/.test(key)) {
    const w = want as { volume: string } & Record<string, unknown>;
    const h = (have ?? {}) as { volume?: string; size?: string } & Record<string, unknown>;
    if (!sameVolume(w.volume, h.volume, h.size)) return false;
    const { volume: _wv, ...wRest } = w;
    return Object.entries(wRest).every(([k, v]) => isDeepStrictEqual(h[k], v));
  }
  if (key === 'net0' || /^dev\d+$/.test(key)) {
    // PVE adds hwaddr and type=veth to a net, pxdeploy a GPU node's gid: only what the spec sets must match.
    return Object.entries(want as Record<string, unknown>).every(([k, v]) => v === undefined || isDeepStrictEqual((have as Record<string, unknown> | undefined)?.[k], v));
  }
  if (key === 'tags') return isDeepStrictEqual([...(want as string[])].sort(), [...((have as string[]) ?? [])].filter((t) => t !== 'pxdeploy-failed').sort());
  // Unset sub-keys (`uid: undefined`) mean "not given", as in the printed config.
  return isDeepStrictEqual(JSON.parse(JSON.stringify(want)) as unknown, have);
}

/** Every key the desired options set, compared with the CT's config; create-only parameters are not config. */
export function diffConfig(want: PctCreateOptions, have: PctConfig): Difference[] {
  const out: Difference[] = [];
  const w = want as Record<string, unknown>;
  const h = have as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(w)) {
    if (value === undefined) continue;
    const known = lookupKey(name) ?? lookupKey(`${name}0`);
    if (!known) continue; // storage, ssh-public-keys, ...: parameters, not stored in the config
    const entries: Array<[string, unknown, unknown]> =
      known.desc.indexed !== undefined
        ? Object.entries(value as Record<string, unknown>).map(([n, v]) => [`${name}${n}`, v, (h[name] as Record<string, unknown> | undefined)?.[n]])
        : [[name, value, h[name]]];
    for (const [key, wv, hv] of entries) {
      if (comparable(key, wv, hv)) continue;
      out.push({ key, have: hv === undefined ? '(unset)' : printValue(known.desc, hv), want: printValue(known.desc, wv) });
    }
  }
  return out;
}
