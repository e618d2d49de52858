// Brings pvesim up once before the host tests (idempotent, cached) and tears it down after them.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');

function runScript(name: string): void {
  execFileSync('bash', [path.join(repo, 'scripts', name)], { stdio: 'inherit' });
}

export function setup(): void {
  if (process.getuid?.() !== 0) throw new Error('host tests need root: they run real LXC containers (sudo npm test)');
  if (process.env.PVESIM_SKIP_SETUP !== '1') runScript('pvesim-setup.sh');
}

export function teardown(): void {
  if (process.env.PVESIM_KEEP !== '1') runScript('pvesim-teardown.sh');
}
