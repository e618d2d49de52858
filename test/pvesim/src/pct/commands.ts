// pct's command table (like pct.pm's $cmddef): positional args and parameter schema per command; handlers load lazily.
import type { CommandSpec, ToolSpec } from '../common/cli.js';
import { verifyConfigId, verifyVmid } from '../common/formats.js';
import type { ParamDef } from '../common/schema.js';
import { configParams, MAX_MOUNT_POINTS } from '../ct/options.js';

const LXC = 'PVE::API2::LXC';
const CONFIG = 'PVE::API2::LXC::Config';
const STATUS = 'PVE::API2::LXC::Status';
const SNAPSHOT = 'PVE::API2::LXC::Snapshot';
const PCT = 'PVE::CLI::pct';

const vmid: ParamDef = { type: 'integer', format: verifyVmid, minimum: 100, maximum: 999999999 };
const flag: ParamDef = { type: 'boolean', optional: true };
const storageId: ParamDef = { type: 'string', optional: true, pattern: /[a-z][a-z0-9\-_.]*[a-z0-9]/i };
const snapname: ParamDef = { type: 'string', format: verifyConfigId, maxLength: 40 };
const fileOwner = { user: { type: 'string', optional: true }, group: { type: 'string', optional: true }, perms: { type: 'string', optional: true } } satisfies Record<string, ParamDef>;

function cmd(apiClass: string, args: string[], params: Record<string, ParamDef>, load: CommandSpec['load']): CommandSpec {
  return { apiClass, args, params, load };
}

/** Only create/set need the ~800 config keys as parameters: build them when first asked for. */
function withConfigParams(extra: () => Record<string, ParamDef>): () => Record<string, ParamDef> {
  let cached: Record<string, ParamDef> | undefined;
  return () => (cached ??= { ...extra(), ...configParams() });
}

function lazyCmd(apiClass: string, args: string[], params: () => Record<string, ParamDef>, load: CommandSpec['load']): CommandSpec {
  return {
    apiClass,
    args,
    get params() {
      return params();
    },
    load,
  };
}

const diskKeys = ['rootfs', ...Array.from({ length: MAX_MOUNT_POINTS }, (_, i) => `mp${i}`)];

export const pctTool: ToolSpec = {
  name: 'pct',
  commands: {
    list: cmd(LXC, [], {}, async () => (await import('./list.js')).list),
    status: cmd(PCT, ['vmid'], { vmid, verbose: flag }, async () => (await import('./status.js')).status),
    config: cmd(CONFIG, ['vmid'], { vmid, current: flag, snapshot: { ...snapname, optional: true } }, async () => (await import('./config.js')).config),
    pending: cmd(LXC, ['vmid'], { vmid }, async () => (await import('./config.js')).pending),
    set: lazyCmd(
      CONFIG,
      ['vmid'],
      withConfigParams(() => ({
        vmid,
        delete: { type: 'string', optional: true, list: true },
        revert: { type: 'string', optional: true, list: true },
        digest: { type: 'string', optional: true, maxLength: 40 },
      })),
      async () => (await import('./set.js')).set,
    ),
    create: lazyCmd(
      LXC,
      ['vmid', 'ostemplate'],
      withConfigParams(() => ({
        vmid,
        ostemplate: { type: 'string', maxLength: 255 },
        storage: storageId,
        password: { type: 'string', optional: true, minLength: 5 },
        'ssh-public-keys': { type: 'string', optional: true },
        force: flag,
        pool: { type: 'string', optional: true },
        'ignore-unpack-errors': flag,
        bwlimit: { type: 'number', optional: true, minimum: 0 },
        start: flag,
        'ha-managed': flag,
        unique: flag,
        restore: flag,
      })),
      async () => (await import('./create.js')).create,
    ),
    destroy: cmd(LXC, ['vmid'], { vmid, force: flag, purge: flag, 'destroy-unreferenced-disks': flag }, async () => (await import('./destroy.js')).destroy),
    start: cmd(STATUS, ['vmid'], { vmid, skiplock: flag, debug: flag }, async () => (await import('./power.js')).start),
    stop: cmd(STATUS, ['vmid'], { vmid, skiplock: flag, 'overrule-shutdown': flag }, async () => (await import('./power.js')).stop),
    shutdown: cmd(STATUS, ['vmid'], { vmid, timeout: { type: 'integer', optional: true, minimum: 0 }, forceStop: flag }, async () => (await import('./power.js')).shutdown),
    reboot: cmd(STATUS, ['vmid'], { vmid, timeout: { type: 'integer', optional: true, minimum: 0 } }, async () => (await import('./power.js')).reboot),
    clone: cmd(
      LXC,
      ['vmid', 'newid'],
      {
        vmid,
        newid: vmid,
        full: flag,
        storage: storageId,
        hostname: { type: 'string', optional: true },
        description: { type: 'string', optional: true },
        pool: { type: 'string', optional: true },
        snapname: { ...snapname, optional: true },
        target: { type: 'string', optional: true },
        bwlimit: { type: 'number', optional: true, minimum: 0 },
      },
      async () => (await import('./clone.js')).clone,
    ),
    template: cmd(LXC, ['vmid'], { vmid }, async () => (await import('./template.js')).template),
    resize: cmd(
      LXC,
      ['vmid', 'disk', 'size'],
      { vmid, disk: { type: 'string', enum: diskKeys }, size: { type: 'string', pattern: /\+?\d+(\.\d+)?[KMGT]?/ }, digest: { type: 'string', optional: true, maxLength: 40 } },
      async () => (await import('./resize.js')).resize,
    ),
    snapshot: cmd(SNAPSHOT, ['vmid', 'snapname'], { vmid, snapname, description: { type: 'string', optional: true } }, async () => (await import('./snapshot.js')).snapshot),
    delsnapshot: cmd(SNAPSHOT, ['vmid', 'snapname'], { vmid, snapname, force: flag }, async () => (await import('./snapshot.js')).delsnapshot),
    rollback: cmd(SNAPSHOT, ['vmid', 'snapname'], { vmid, snapname, start: flag }, async () => (await import('./snapshot.js')).rollback),
    listsnapshot: cmd(SNAPSHOT, ['vmid'], { vmid }, async () => (await import('./snapshot.js')).listsnapshot),
    exec: cmd(PCT, ['vmid', 'extra-args'], { vmid, 'keep-env': flag }, async () => (await import('./exec.js')).exec),
    enter: cmd(PCT, ['vmid'], { vmid, 'keep-env': flag }, async () => (await import('./exec.js')).enter),
    push: cmd(PCT, ['vmid', 'file', 'destination'], { vmid, file: { type: 'string' }, destination: { type: 'string' }, ...fileOwner }, async () => (await import('./files.js')).push),
    pull: cmd(PCT, ['vmid', 'path', 'destination'], { vmid, path: { type: 'string' }, destination: { type: 'string' }, ...fileOwner }, async () => (await import('./files.js')).pull),
    unlock: cmd(PCT, ['vmid'], { vmid }, async () => (await import('./unlock.js')).unlock),
  },
};
