// pvesh create|set|delete on a node's CTs (POST /nodes/{node}/lxc, …/clone, …/status/{start,stop,shutdown}, PUT …/config, DELETE …/lxc/{vmid}): pct's code, proxied to another node.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext, Handler } from '../common/cli.js';
import { validateParams } from '../common/cli.js';
import { PveError } from '../common/errors.js';
import { getOptions } from '../common/getopt.js';
import { simPaths } from '../common/paths.js';
import type { ParamDef } from '../common/schema.js';
import { pctTool } from '../pct/commands.js';
import { formatParams, printResult } from './commands.js';
import { resolveNode } from './resources.js';

type Verb = 'create' | 'set' | 'delete';

interface WriteRoute {
  verb: Verb;
  pattern: RegExp;
  /** The API method's parameters (those not in the path). */
  params: () => Record<string, ParamDef>;
  /** The UPID's task type and id (`vzcreate`, `<vmid>`), as PVE's API code names them; none: the method returns null (PUT config). */
  task?: (m: RegExpExecArray, p: Record<string, string>) => { type: string; id: string };
  /** pct's handler for the same work; it runs the worker (output on stdout, error on stderr). */
  run: (m: RegExpExecArray, p: Record<string, string>) => Promise<number | void>;
}

const flag: ParamDef = { type: 'boolean', optional: true };
const timeout: ParamDef = { type: 'integer', optional: true, minimum: 0 };

async function pctHandler(name: string, params: Record<string, string>): Promise<number | void> {
  const spec = pctTool.commands[name]!;
  const handler: Handler = await spec.load();
  const ctx: CommandContext = { params, extraArgs: undefined, usage: `pct ${name}`, rawArgv: [] };
  return handler(ctx);
}

/** The API takes the keys themselves; pct's handler reads them from a file (pct.pm does that mapping). */
async function createCt(p: Record<string, string>): Promise<number | void> {
  const keys = p['ssh-public-keys'];
  if (keys === undefined) return pctHandler('create', p);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvesim-keys-'));
  try {
    fs.writeFileSync(path.join(dir, 'keys'), keys, { mode: 0o600 });
    return await pctHandler('create', { ...p, 'ssh-public-keys': path.join(dir, 'keys') });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function withoutVmid(name: string): Record<string, ParamDef> {
  const { vmid: _v, ...rest } = pctTool.commands[name]!.params;
  return rest;
}

const ctPath = '^\\/nodes\\/([^/]+)\\/lxc\\/(\\d+)';

const routes: WriteRoute[] = [
  {
    verb: 'create',
    pattern: /^\/nodes\/([^/]+)\/lxc$/,
    params: () => pctTool.commands.create!.params,
    task: (_m, p) => ({ type: 'vzcreate', id: p.vmid ?? '' }),
    run: (_m, p) => createCt(p),
  },
  ...(['start', 'stop', 'shutdown'] as const).map(
    (action): WriteRoute => ({
      verb: 'create',
      pattern: new RegExp(`${ctPath}\\/status\\/${action}$`),
      params: () => (action === 'stop' ? { ...withoutVmid(action), timeout } : withoutVmid(action)),
      task: (m) => ({ type: `vz${action}`, id: m[2]! }),
      run: (m, p) => pctHandler(action, { ...p, vmid: m[2]! }),
    }),
  ),
  {
    // clone_vm: the same parameters as `pct clone` (which maps onto it), newid in the body.
    verb: 'create',
    pattern: new RegExp(`${ctPath}\\/clone$`),
    params: () => withoutVmid('clone'),
    task: (m) => ({ type: 'vzclone', id: m[2]! }),
    run: (m, p) => pctHandler('clone', { ...p, vmid: m[2]! }),
  },
  {
    // update_vm (PUT): synchronous, returns null; `pct set` is this method.
    verb: 'set',
    pattern: new RegExp(`${ctPath}\\/config$`),
    params: () => withoutVmid('set'),
    run: (m, p) => pctHandler('set', { ...p, vmid: m[2]! }),
  },
  {
    verb: 'delete',
    pattern: new RegExp(`${ctPath}$`),
    params: () => ({ force: flag, purge: flag, 'destroy-unreferenced-disks': flag }),
    task: (m) => ({ type: 'vzdestroy', id: m[2]! }),
    run: (m, p) => pctHandler('destroy', { ...p, vmid: m[2]! }),
  },
];

/** Field 22 of /proc/self/stat: the process start time in clock ticks (PVE's `pstart`). */
function processStart(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

/** PVE::Tools::upid_encode for a task this process runs as root@pam. */
function upid(node: string, type: string, id: string): string {
  return `UPID:${node}:${hex8(process.pid)}:${hex8(processStart())}:${hex8(Math.floor(Date.now() / 1000))}:${type}:${id}:root@pam:`;
}

/**
 * pvesh.pm's proxy_handler: the same call on the owning node (there `ssh root@<ip> pvesh --noproxy …
 * --output-format json`; here pvesh again with PVESIM_NODE=<node>). Its stdout is collected line by line
 * without the newlines and decoded as JSON if it can be, else returned as the raw text — so a task's
 * log lines come back glued in front of the quoted UPID. Its stderr passes through.
 */
function proxy(node: string, verb: Verb, apiPath: string, params: Record<string, string>): unknown {
  const args: string[] = [];
  for (const [k, v] of Object.entries(params)) if (k !== 'api_path' && !(k in formatParams)) args.push(`--${k}`, v);
  const argv = [verb, apiPath, '--noproxy', '1', '--output-format', 'json', ...args];
  const res = spawnSync(process.execPath, [process.argv[1]!, ...argv], {
    env: { ...process.env, PVESIM_NODE: node },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new PveError(`proxy handler failed: command 'pvesh --noproxy ${argv.join(' ')}' failed: exit code ${res.status ?? 255}\n`);
  const raw = res.stdout.split('\n').join('');
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `pvesh create|set|delete <api_path> …`: no upid_exit post-handler, so a failed task still exits 0 after the UPID. */
export function pveshWrite(verb: Verb): Handler {
  return async ({ rawArgv }) => {
    const argv = rawArgv ?? [];
    const apiPath = `/${(argv.find((a) => !a.startsWith('-')) ?? '').replace(/^\/+|\/+$/g, '')}`;
    const route = routes.find((rt) => rt.verb === verb && rt.pattern.test(apiPath));
    if (!route) throw new PveError(`No '${verb}' handler defined for '${apiPath}'\n`);
    const m = route.pattern.exec(apiPath)!;
    const schema = { api_path: { type: 'string' } as ParamDef, ...route.params(), ...formatParams };
    const { params } = getOptions(argv, ['api_path'], schema);
    validateParams(params, schema);
    const node = resolveNode(m[1]!);
    if (node !== simPaths().node) {
      if (params.noproxy === '1') throw new PveError('proxy loop detected - aborting\n');
      const result = proxy(node, verb, apiPath, params);
      // A method returning null (PUT config) prints nothing, there as here.
      if (route.task) printResult(result, params);
      return 0;
    }
    const apiParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (k !== 'api_path' && !(k in formatParams)) apiParams[k] = v;
    if (!route.task) {
      await route.run(m, apiParams);
      return 0;
    }
    const { type, id } = route.task(m, apiParams);
    const taskId = upid(node, type, id);
    await route.run(m, apiParams);
    printResult(taskId, params);
    return 0;
  };
}
