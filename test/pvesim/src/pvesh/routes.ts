// The API paths pvesim's pvesh answers to with `get`, their parameters and handlers.
import { verifyVmid } from '../common/formats.js';
import type { ParamDef } from '../common/schema.js';
import * as r from './resources.js';
import { nodeNetwork } from './network.js';
import { clusterStatus, nodeTasks } from './tasks.js';
import { clusterNodes } from '../ct/store.js';
import { simPaths } from '../common/paths.js';

export interface Route {
  pattern: RegExp;
  params: Record<string, ParamDef>;
  get: (match: RegExpExecArray, params: Record<string, string>) => unknown;
}

const vmid: ParamDef = { type: 'integer', format: verifyVmid, minimum: 100, maximum: 999999999 };

export const routes: Route[] = [
  { pattern: /^\/version$/, params: {}, get: () => r.PVE_VERSION },
  {
    pattern: /^\/cluster\/resources$/,
    params: { type: { type: 'string', optional: true, enum: ['vm', 'storage', 'node', 'sdn'] } },
    get: (_m, p) => r.clusterResources(p.type),
  },
  { pattern: /^\/cluster\/status$/, params: {}, get: () => clusterStatus(clusterNodes(), simPaths().node) },
  { pattern: /^\/cluster\/nextid$/, params: { vmid: { ...vmid, optional: true } }, get: (_m, p) => r.nextId(p.vmid) },
  { pattern: /^\/nodes$/, params: {}, get: () => r.nodesList() },
  { pattern: /^\/nodes\/([^/]+)\/status$/, params: {}, get: (m) => r.nodeStatus(r.resolveNode(m[1]!)) },
  { pattern: /^\/nodes\/([^/]+)\/lxc$/, params: {}, get: (m) => r.nodeLxcList(r.resolveNode(m[1]!)) },
  {
    pattern: /^\/nodes\/([^/]+)\/network$/,
    params: {
      type: {
        type: 'string',
        optional: true,
        enum: ['bridge', 'bond', 'eth', 'alias', 'vlan', 'fabric', 'OVSBridge', 'OVSBond', 'OVSPort', 'OVSIntPort', 'vnet', 'any_bridge', 'any_local_bridge', 'include_sdn'],
      },
    },
    get: (m, p) => (r.resolveNode(m[1]!), nodeNetwork(p.type)),
  },
  {
    pattern: /^\/nodes\/([^/]+)\/storage$/,
    params: {
      content: { type: 'string', optional: true, list: true },
      enabled: { type: 'boolean', optional: true },
      storage: { type: 'string', optional: true },
      target: { type: 'string', optional: true },
      format: { type: 'boolean', optional: true },
    },
    get: (m, p) => (r.resolveNode(m[1]!), r.nodeStorage(p)),
  },
  {
    pattern: /^\/nodes\/([^/]+)\/tasks$/,
    params: {
      start: { type: 'integer', optional: true, minimum: 0 },
      limit: { type: 'integer', optional: true, minimum: 0 },
      vmid: { ...vmid, optional: true },
      typefilter: { type: 'string', optional: true },
      userfilter: { type: 'string', optional: true },
      errors: { type: 'boolean', optional: true },
    },
    get: (m, p) => nodeTasks(r.resolveNode(m[1]!), p),
  },
  {
    pattern: /^\/nodes\/([^/]+)\/lxc\/(\d+)\/status\/current$/,
    params: {},
    get: (m) => r.lxcStatusCurrent(r.resolveNode(m[1]!), Number(m[2])),
  },
  {
    pattern: /^\/nodes\/([^/]+)\/lxc\/(\d+)\/config$/,
    params: { current: { type: 'boolean', optional: true } },
    get: (m, p) => r.lxcConfig(r.resolveNode(m[1]!), Number(m[2]), p.current === '1'),
  },
];
