// Step `tailscale`: install tailscale when missing, then `tailscale up` with the auth key read from a pushed 0600 file.
import type { TailscaleConfig } from '../../config/schema/tailscale.js';
import type { ProvisionStep } from '../types.js';
import { installPackages, type AptIndex } from './install-packages.js';
import { osFamily, type OsFamily } from './os-family.js';
import { outputTail, StepRun } from './step-run.js';

/** In the CT's /run (tmpfs): the key never reaches its disk, and it is removed right after `tailscale up`. */
export const AUTH_KEY_PATH = '/run/pxdeploy-tailscale-auth-key';

/** How long `tailscale up` may wait to reach the Running state before it gives up by itself. */
export const TAILSCALE_UP_TIMEOUT_S = 120;

/** `tailscale up` argv. `--reset` makes a re-run converge: settings not named here go back to their defaults. */
export function tailscaleUpArgs(cfg: TailscaleConfig): string[] {
  return [
    'tailscale',
    'up',
    '--reset',
    `--auth-key=file:${AUTH_KEY_PATH}`,
    ...(cfg.hostname !== undefined ? [`--hostname=${cfg.hostname}`] : []),
    ...(cfg.accept_routes ? ['--accept-routes'] : []),
    ...(cfg.advertise_routes.length > 0 ? [`--advertise-routes=${cfg.advertise_routes.join(',')}`] : []),
    ...(cfg.shields_up ? ['--shields-up'] : []),
    `--timeout=${TAILSCALE_UP_TIMEOUT_S}s`,
  ];
}

const MISSING_REPO: Record<OsFamily, { message: string; hint: string }> = {
  debian: {
    message: "tailscale could not be installed: the distribution does not package it and Tailscale's apt repository (pkgs.tailscale.com) is not configured in this container",
    hint: "use a template with Tailscale's repository (https://pkgs.tailscale.com/stable/) already in /etc/apt/sources.list.d, or with tailscale installed",
  },
  alpine: {
    message: "tailscale could not be installed: it is in Alpine's community repository, which is not enabled (or not reachable) in this container",
    hint: 'enable the community repository in /etc/apk/repositories of the template',
  },
};

async function installTailscale(run: StepRun, family: OsFamily, ostype: string, apt: AptIndex): Promise<void> {
  const result = await installPackages(run, family, apt, ['tailscale'], { allowFailure: true });
  if (result.exitCode !== 0) {
    const { message, hint } = MISSING_REPO[family];
    throw run.fail(`${message} (exit code ${result.exitCode})`, outputTail(result, run.secrets), hint);
  }
  if (family === 'alpine') {
    await run.exec(['rc-update', 'add', 'tailscale', 'default'], { what: 'rc-update add tailscale' });
    await run.exec(['rc-service', 'tailscale', 'start'], { what: 'rc-service tailscale start' });
  } else if (ostype !== 'devuan') {
    await run.exec(['systemctl', 'enable', '--now', 'tailscaled'], { what: 'systemctl enable --now tailscaled' });
  }
}

export function tailscaleStep(cfg: TailscaleConfig, apt: AptIndex, secrets: readonly string[]): ProvisionStep {
  const id = 'tailscale';
  // The key is a secret whatever secretValues() found: never shown, even if the caller's list missed it.
  const allSecrets = secrets.includes(cfg.auth_key) ? secrets : [cfg.auth_key, ...secrets];
  return {
    id,
    title: `Join the tailnet${cfg.hostname !== undefined ? ` as ${cfg.hostname}` : ''}`,
    continueOnError: false,
    async run(ctx, target) {
      const family = osFamily(id, target.ostype);
      const run = new StepRun(ctx, target, id, allSecrets);
      // `command -v` is a shell builtin: the one way to ask "is it on PATH" in every image, busybox included.
      const found = await run.read('whether tailscale is installed', ['sh', '-c', 'command -v tailscale']);
      if (found?.exitCode !== 0) await installTailscale(run, family, target.ostype, apt);

      let upError: unknown;
      try {
        await run.push('tailscale-auth-key', cfg.auth_key, AUTH_KEY_PATH, { perms: 0o600, user: 'root', group: 'root' });
        await run.exec(tailscaleUpArgs(cfg), {
          what: 'tailscale up',
          timeoutMs: (TAILSCALE_UP_TIMEOUT_S + 30) * 1000,
          hint: 'check that the auth key is valid and not expired, and that the container reaches the internet',
        });
      } catch (err) {
        upError = err;
      }
      try {
        await run.exec(['rm', '-f', AUTH_KEY_PATH], { what: `removing ${AUTH_KEY_PATH}` });
      } catch (err) {
        if (upError === undefined) throw err;
        // The first failure is the one to report; the leftover key file must still be known.
        ctx.report.warn(`could not remove ${AUTH_KEY_PATH} from CT ${target.vmid}: remove it by hand`);
      }
      if (upError !== undefined) throw upError;
    },
  };
}
