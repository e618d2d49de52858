// SSH public keys (authorized_keys lines): a known type, base64 data whose embedded type matches, optional comment.
import { z } from 'zod';

const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];

const EXAMPLE = 'expected "<type> <base64 key> [comment]", e.g. "ssh-ed25519 AAAAC3Nza… user@host"';

/** The reason `line` is not a public key, or undefined. Never quotes the key: it may be a pasted private key. */
export function sshKeyProblem(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.includes('PRIVATE KEY')) return 'this is a private key: only public keys (the .pub file) belong here';
  const [type = '', data = ''] = trimmed.split(/\s+/);
  if (!KEY_TYPES.includes(type)) {
    return `not an SSH public key: ${type === '' ? 'empty' : `unknown key type ${JSON.stringify(type.slice(0, 40))}`}; ${EXAMPLE}`;
  }
  if (data === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return `not an SSH public key: the key data is not base64; ${EXAMPLE}`;
  // The blob starts with the key type as an SSH string (uint32 length + bytes); it must agree with the prefix.
  const blob = Buffer.from(data, 'base64');
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const embedded = len > 0 && len <= blob.length - 4 ? blob.subarray(4, 4 + len).toString('latin1') : '';
  if (embedded !== type) return `not an SSH public key: the key data is not a ${type} key (truncated or mixed up?)`;
  return undefined;
}

/** One key; surrounding whitespace is trimmed and inner runs collapsed to one space. */
export const sshKeySchema = z
  .string()
  .superRefine((k, ctx) => {
    const problem = sshKeyProblem(k);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((k) => k.trim().replace(/\s+/g, ' '));

/** A list of keys; repeats are dropped (authorized_keys needs each once). */
export const sshKeyListSchema = z
  .array(sshKeySchema)
  .transform((keys) => [...new Set(keys)])
  .default([]);
