// strerror texts for the errno codes Node reports, as Perl's "$!" would print them.
const MESSAGES: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EINVAL: 'Invalid argument',
};

export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (code && MESSAGES[code]) ?? (err instanceof Error ? err.message : String(err));
}
