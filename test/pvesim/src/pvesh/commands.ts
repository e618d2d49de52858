// pvesh: `get <api_path>` with --output-format text|json|json-pretty; `create`/`delete` for CTs (lxc-write.ts); `set` is not simulated.
import type { Handler, ToolSpec } from '../common/cli.js';
import { validateParams } from '../common/cli.js';
import { PveError } from '../common/errors.js';
import { getOptions } from '../common/getopt.js';
import { canonicalJson, prettyJson } from '../common/json.js';
import type { ParamDef } from '../common/schema.js';
import { routes } from './routes.js';
import { formatText } from './text.js';

export const formatParams: Record<string, ParamDef> = {
  'output-format': { type: 'string', optional: true, enum: ['text', 'json', 'json-pretty', 'yaml'] },
  noborder: { type: 'boolean', optional: true },
  noheader: { type: 'boolean', optional: true },
  'human-readable': { type: 'boolean', optional: true },
  quiet: { type: 'boolean', optional: true },
  noproxy: { type: 'boolean', optional: true },
};

function get(argv: string[]): number {
  const apiPath = argv.find((a) => !a.startsWith('-')) ?? '';
  const path = `/${apiPath.replace(/^\/+|\/+$/g, '')}`;
  const route = routes.find((rt) => rt.pattern.test(path));
  if (!route) throw new PveError(`No 'get' handler defined for '${path}'\n`);
  const schema = { api_path: { type: 'string' } as ParamDef, ...route.params, ...formatParams };
  const { params } = getOptions(argv, ['api_path'], schema);
  validateParams(params, schema);
  const data = route.get(route.pattern.exec(path)!, params);
  printResult(data, params);
  return 0;
}

/** print_api_result: the data in the chosen output format (nothing with --quiet). */
export function printResult(data: unknown, params: Record<string, string>): void {
  if (params.quiet === '1') return;
  const format = params['output-format'] ?? 'text';
  if (format === 'json') process.stdout.write(`${canonicalJson(data)}\n`);
  else if (format === 'json-pretty') process.stdout.write(`${prettyJson(data)}\n`);
  else if (format === 'yaml') process.stdout.write(`${prettyJson(data)}\n`);
  else process.stdout.write(formatText(data, params.noborder !== '1', params.noheader !== '1'));
}

const apiPathArgs = { args: ['api_path'], params: { api_path: { type: 'string' } } as Record<string, ParamDef>, rawArgs: true, usageArgs: '<api_path> [OPTIONS] [FORMAT_OPTIONS]' };

export const pveshTool: ToolSpec = {
  name: 'pvesh',
  commands: {
    get: { apiClass: 'PVE::CLI::pvesh', ...apiPathArgs, load: async () => ({ rawArgv }) => get(rawArgv ?? []) },
    create: { apiClass: 'PVE::CLI::pvesh', ...apiPathArgs, load: async () => (await import('./lxc-write.js')).pveshWrite('create') },
    set: { apiClass: 'PVE::CLI::pvesh', ...apiPathArgs, load: async () => (await import('./lxc-write.js')).pveshWrite('set') },
    delete: { apiClass: 'PVE::CLI::pvesh', ...apiPathArgs, load: async () => (await import('./lxc-write.js')).pveshWrite('delete') },
  },
};
