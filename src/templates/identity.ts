// What makes a CT one machine rather than a copy: removed from a template before `pct template`, made anew in each clone.
import type { Context } from '../context.js';
import { StepRun } from '../provision/steps/step-run.js';
import type { ProvisionStep, ProvisionTarget } from '../provision/types.js';

/**
 * An empty machine-id (systemd makes a new one at first boot; a missing file would make it read-only),
 * no SSH host keys (every clone would share them), no apt lists or package cache (stale, and big).
 * Each part is skipped where the CT has no such thing (busybox, alpine).
 */
export const CLEAN_FOR_CLONING = [
  'set -e',
  'if [ -f /etc/machine-id ]; then : > /etc/machine-id; fi',
  // D-Bus keeps a copy on older images: make it follow /etc/machine-id, as Debian does.
  'if [ -f /var/lib/dbus/machine-id ] && [ ! -L /var/lib/dbus/machine-id ]; then ln -sf /etc/machine-id /var/lib/dbus/machine-id; fi',
  'rm -f /etc/ssh/ssh_host_*',
  'if command -v apt-get >/dev/null 2>&1; then apt-get clean; fi',
  'rm -rf /var/lib/apt/lists/*',
].join('; ');

/** A clone's own SSH host keys and machine-id, where its OS has the tools (a no-op elsewhere). */
export const NEW_IDENTITY = [
  'set -e',
  'if command -v ssh-keygen >/dev/null 2>&1 && [ -d /etc/ssh ]; then ssh-keygen -A >/dev/null; fi',
  'if [ -f /etc/machine-id ] && [ ! -s /etc/machine-id ] && command -v systemd-machine-id-setup >/dev/null 2>&1; then systemd-machine-id-setup >/dev/null; fi',
].join('; ');

export async function cleanForCloning(ctx: Context, target: ProvisionTarget, secrets: readonly string[]): Promise<void> {
  await new StepRun(ctx, target, 'clean-for-cloning', secrets).exec(['sh', '-c', CLEAN_FOR_CLONING], { what: 'cleaning the CT for cloning' });
}

/** The first post-clone step: recorded like the others, so a resumed run does not redo it. */
export function newIdentityStep(secrets: readonly string[]): ProvisionStep {
  const id = 'clone:identity';
  return {
    id,
    title: 'Give the clone its own SSH host keys and machine-id',
    continueOnError: false,
    run: async (ctx, target) => {
      await new StepRun(ctx, target, id, secrets).exec(['sh', '-c', NEW_IDENTITY], { what: 'new SSH host keys and machine-id' });
    },
  };
}
