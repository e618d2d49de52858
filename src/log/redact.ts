// Secret redaction for every line that reaches a log or the terminal: registered values plus common patterns.

export const REDACTED = '***';

/**
 * Patterns that carry a secret even when nobody registered the value (pasted tool output,
 * error messages, env dumps). Each keeps the key so the line stays useful and replaces the value.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization / Proxy-Authorization headers, in plain or JSON form: the whole value (scheme + token).
  [/\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^\r\n"']+/gi, `$1${REDACTED}`],
  // skopeo/podman style credentials: --creds user:pass, --src-creds=user:pass, --dest-creds ...
  [/(--(?:src-|dest-)?creds(?:=|\s+))\S+/gi, `$1${REDACTED}`],
  // Flags that take a secret: --password x, --authkey=x, --auth-key x, --token x, --api-key x, --secret x.
  [/(--[a-z0-9-]*(?:password|passwd|secret|token|auth-?key|api-?key)(?:=|\s+))(?!-)\S+/gi, `$1${REDACTED}`],
  // key=value / key: value where the key names a secret (env files, YAML, JSON, query strings).
  [
    /\b([a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|auth[_-]?key|private[_-]?key|credentials?)[a-z0-9_.-]*["']?\s*[=:]\s*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s,;&"'}\]]+)/gi,
    `$1${REDACTED}`,
  ],
  // Tailscale keys (tskey-auth-…, tskey-client-…, tskey-api-…).
  [/\btskey-[A-Za-z0-9_-]+/g, REDACTED],
  // GitHub / GitLab tokens.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})/g, REDACTED],
  // Password in a URL: scheme://user:pass@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

export interface Redactor {
  /** Register a value that must never appear in output (ignored when empty). */
  add(secret: string | undefined): void;
  redact(text: string): string;
}

export function createRedactor(secrets: Iterable<string | undefined> = []): Redactor {
  const values = new Set<string>();
  let ordered: string[] = [];
  const add = (s: string | undefined) => {
    if (!s || values.has(s)) return;
    values.add(s);
    // Longest first, so a secret that contains another is not left half-visible.
    ordered = [...values].sort((a, b) => b.length - a.length);
  };
  for (const s of secrets) add(s);
  return {
    add,
    redact(text: string): string {
      let out = text;
      for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
      for (const [re, repl] of PATTERNS) out = out.replace(re, repl);
      return out;
    },
  };
}

/** One-shot helper for callers without a long-lived redactor. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  return createRedactor(secrets).redact(text);
}
