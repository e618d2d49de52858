// proper-lockfile, loaded on first use (it installs exit hooks and patches fs.close via graceful-fs).
import type * as ProperLockfile from 'proper-lockfile';

export type Lockfile = typeof ProperLockfile;

let loaded: Lockfile | undefined;

export async function loadLockfile(): Promise<Lockfile> {
  if (!loaded) {
    const mod = (await import('proper-lockfile')) as Lockfile & { default?: Lockfile };
    loaded = mod.default ?? mod;
  }
  return loaded;
}

/** The module if some earlier async call loaded it; signal handlers cannot await an import. */
export function loadedLockfile(): Lockfile | undefined {
  return loaded;
}
