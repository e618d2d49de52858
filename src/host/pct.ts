// pct: argv builders, output parsers and typed errors for Proxmox's container tool (see host/pct/).
export * from './pct/argv.js';
export * from './pct/config-args.js';
export * from './pct/keys.js';
export * from './pct/codec.js';
export * from './pct/parse-list.js';
export * from './pct/parse-status.js';
export * from './pct/parse-config.js';
export { runPve } from './pve-run.js';
