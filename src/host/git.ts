// git as data: resolving a ref to a commit and archiving a commit on the host (argv arrays; only src/host spawns).
import type { HostCommand } from './command.js';

/** Local paths are used in place; anything else is cloned bare into a scratch directory first. */
export function isLocalRepo(repo: string): boolean {
  return repo.startsWith('/');
}

export function gitCloneBare(repo: string, dest: string): HostCommand {
  return { file: 'git', args: ['clone', '--bare', '--quiet', '--', repo, dest], timeoutMs: 10 * 60_000 };
}

/** Prints the full commit id the ref names; `^{commit}` peels annotated tags. */
export function gitResolveRef(gitDir: string, ref: string): HostCommand {
  return { file: 'git', args: ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], readOnly: true };
}

/** A reproducible tarball of one commit's tree (no .git). */
export function gitArchive(gitDir: string, commit: string, out: string): HostCommand {
  return { file: 'git', args: ['--git-dir', gitDir, 'archive', '--format=tar.gz', `--output=${out}`, commit] };
}

/** The commit id in `git rev-parse` output, or undefined. */
export function parseCommit(stdout: string): string | undefined {
  const line = stdout.trim();
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(line) ? line : undefined;
}
