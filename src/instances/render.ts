// Files pxdeploy writes into the CT: systemd units and env files per colour, the nginx frontend, deployment-config.yaml.
import { stringify } from 'yaml';
import type { InstanceState } from '../state/instance-state.js';
import type { Color } from '../state/instance-state.js';
import { fill, layout, placeholders, type AppModel, type ServiceName } from './app-model.js';
import type { InstanceConfig } from './config-schema.js';

export function renderEnvFile(app: AppModel, svc: ServiceName, c: Color, version: string): string {
  const spec = app.services.find((s) => s.name === svc)!.spec;
  const values = placeholders(app, svc, c, version);
  const lines = Object.entries(spec.env).map(([k, v]) => `${k}=${fill(v, values)}`);
  return `# ${layout(app).envFile(svc, c)} - written by pxdeploy for ${app.name} ${svc} (${c}, ${version})\n${lines.join('\n')}\n`;
}

export function renderUnit(app: AppModel, svc: ServiceName, c: Color, version: string): string {
  const l = layout(app);
  const spec = app.services.find((s) => s.name === svc)!.spec;
  const run = fill(spec.run, placeholders(app, svc, c, version));
  return [
    `# ${l.unit(svc, c)} - written by pxdeploy: ${app.name} ${svc}, colour ${c}, version ${version}`,
    '[Unit]',
    `Description=${app.name} ${svc} (${c}, ${version})`,
    'After=network.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${app.bg.app_user}`,
    `WorkingDirectory=${l.componentDir(svc, c)}`,
    `EnvironmentFile=${l.envFile(svc, c)}`,
    // The catalog's run command is a shell command line (placeholders already filled).
    `ExecStart=/bin/sh -c ${JSON.stringify(`exec ${run}`)}`,
    'Restart=on-failure',
    'RestartSec=1',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The nginx frontend of docs/cutover.md, for any app: upstreams per colour, and the colour chosen on
 * every request from the `live` symlink (a stat per request), so a switch never reloads nginx.
 */
export function renderNginx(app: AppModel): string {
  const l = layout(app);
  const n = app.name.replace(/-/g, '_');
  const b = app.bg.components.backend.ports;
  const mcp = app.bg.components.mcp;
  const prefix = app.bg.components.frontend?.mcp_prefix;
  const upstreams = [
    `upstream ${n}_backend_blue  { server 127.0.0.1:${b.blue}; }`,
    `upstream ${n}_backend_green { server 127.0.0.1:${b.green}; }`,
    ...(mcp ? [`upstream ${n}_mcp_blue      { server 127.0.0.1:${mcp.ports.blue}; }`, `upstream ${n}_mcp_green     { server 127.0.0.1:${mcp.ports.green}; }`] : []),
  ];
  const proxy = (upstream: string) => [
    `        proxy_pass http://${upstream}_$${n}_colour;`,
    '        proxy_http_version 1.1;',
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
  ];
  const mcpLocation = mcp && prefix
    ? [`    location ${prefix}/ {`, `        rewrite ^${prefix}(/.*)$ $1 break;`, ...proxy(`${n}_mcp`), '    }']
    : [];
  return [
    `# ${l.nginxConf} - written by pxdeploy (docs/cutover.md): the live colour is read from the symlink`,
    `# ${l.live} on every request; switching renames that link and never reloads nginx.`,
    '# No open_file_cache here: the -f test must stat the path on every request.',
    '',
    ...upstreams,
    '',
    'server {',
    `    listen ${app.http};`,
    `    listen ${app.https} ssl;`,
    `    ssl_certificate ${l.tlsCert};`,
    `    ssl_certificate_key ${l.tlsKey};`,
    '    client_max_body_size 64m;',
    '    keepalive_timeout 75s;',
    '',
    `    set $${n}_colour blue;`,
    `    if (-f ${l.live}/green) { set $${n}_colour green; }`,
    `    add_header ${l.colourHeader} $${n}_colour always;`,
    '',
    ...mcpLocation,
    '    location / {',
    ...proxy(`${n}_backend`),
    '        proxy_request_buffering on;',
    '    }',
    '}',
    '',
  ].join('\n');
}

/** The seed's `database:` block: the instance's choice over the catalog default (sqlite names its file). */
function databaseOf(app: AppModel, config: InstanceConfig) {
  const db = config.database;
  const type = db.type ?? app.bg.database.default;
  if (type === 'sqlite') return { type, host: null, port: null, name: app.bg.database.sqlite_path ?? app.name, user: null, password_file: null };
  return { type, host: db.host ?? null, port: db.port ?? null, name: db.name ?? app.bg.database.name ?? app.name, user: db.user ?? null, password_file: db.password_file ?? null };
}

/** The seed's Deployment Configuration, kept in the CT so the instance describes itself. */
export function renderDeploymentConfig(app: AppModel, id: string, config: InstanceConfig, state: InstanceState, node: string, createdAt: string, now: string): string {
  const l = layout(app);
  const net = config.container.network;
  const colorsOf = (svc: ServiceName) => {
    const spec = app.services.find((s) => s.name === svc)?.spec;
    if (!spec) return undefined;
    return {
      port_blue: spec.ports.blue,
      port_green: spec.ports.green,
      active_color: state.active_color,
      version_blue: state.colors?.blue?.version ?? null,
      version_green: state.colors?.green?.version ?? null,
    };
  };
  const doc = {
    deployment: { version: '1.0.0', instance_id: id, created_at: createdAt, updated_at: now },
    proxmox: { node, container_id: state.container_id, template: config.container.template },
    resources: { cpu_cores: config.container.resources.cores, memory_mb: config.container.resources.memory, disk_size_gb: config.container.resources.disk },
    network: { bridge: net.bridge, ip_address: net.ip, gateway: net.gateway ?? null, domain: config.container.hostname },
    database: databaseOf(app, config),
    services: {
      backend: colorsOf('backend'),
      ...(app.bg.components.mcp ? { mcp: colorsOf('mcp') } : {}),
      frontend: { port: app.http, ssl_port: app.https, ssl_cert: l.tlsCert, ssl_key: l.tlsKey },
    },
    backup: { directory: `/var/backups/pxdeploy/${id}`, retention_count: 5, last_backup: null },
  };
  return `# ${l.deploymentConfig} - written by pxdeploy after every install, update and rollback\n${stringify(doc)}`;
}
