// authorized_keys with a pxdeploy-managed block: our keys between markers, every other line kept as the user left it.
import { StepRun } from './step-run.js';

export const BLOCK_BEGIN = '# pxdeploy begin';
export const BLOCK_END = '# pxdeploy end';

/**
 * `existing` with its managed block replaced by `keys` (appended when there was none; removed when
 * `keys` is empty). Idempotent: merging the result again with the same keys returns it unchanged.
 * A begin marker without an end marker swallows the rest of the file, as a block cut short would.
 */
export function mergeAuthorizedKeys(existing: string, keys: readonly string[]): string {
  const kept: string[] = [];
  let inBlock = false;
  for (const line of existing.split('\n')) {
    const marker = line.trim();
    if (!inBlock && marker === BLOCK_BEGIN) inBlock = true;
    else if (inBlock && marker === BLOCK_END) inBlock = false;
    else if (!inBlock) kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1]!.trim() === '') kept.pop();
  const block = keys.length > 0 ? [BLOCK_BEGIN, ...keys, BLOCK_END] : [];
  const lines = [...kept, ...block];
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export interface KeysOwner {
  /** Login name and primary group (name or numeric id) that will own the directory and the file. */
  user: string;
  group: string;
  home: string;
}

/** `<home>/.ssh` (0700) and `authorized_keys` (0600), both owned by the account, the managed block set to `keys`. */
export async function installAuthorizedKeys(run: StepRun, owner: KeysOwner, keys: readonly string[], label: string): Promise<void> {
  const dir = `${owner.home === '/' ? '' : owner.home}/.ssh`;
  const file = `${dir}/authorized_keys`;
  await run.exec(['mkdir', '-p', dir], { what: `mkdir ${dir}` });
  await run.exec(['chown', `${owner.user}:${owner.group}`, dir], { what: `chown ${dir}` });
  await run.exec(['chmod', '0700', dir], { what: `chmod ${dir}` });
  const existing = await run.readFile(file);
  await run.push(label, mergeAuthorizedKeys(existing ?? '', keys), file, { perms: 0o600, user: owner.user, group: owner.group });
}
