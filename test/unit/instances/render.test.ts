// What pxdeploy writes into the CT for the notes app: nginx reads the live colour per request, units per colour, env files, deployment config.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalog, requirePackage } from '../../../src/catalog/index.js';
import { appModel, layout, unitsOf } from '../../../src/instances/app-model.js';
import { parseInstanceConfigText } from '../../../src/instances/config.js';
import { renderDeploymentConfig, renderEnvFile, renderNginx, renderUnit } from '../../../src/instances/render.js';
import { parse } from 'yaml';

const dir = fileURLToPath(new URL('../../../packages', import.meta.url));
const notes = async () => appModel(requirePackage((await loadCatalog(dir)).packages, 'notes').pkg);

describe('notes rendering', () => {
  it('nginx: upstreams per colour, the colour chosen from the live link per request, no open_file_cache, MCP under /mcp/', async () => {
    const conf = renderNginx(await notes());
    expect(conf).toContain('upstream notes_backend_blue  { server 127.0.0.1:3456; }');
    expect(conf).toContain('upstream notes_backend_green { server 127.0.0.1:3457; }');
    expect(conf).toContain('upstream notes_mcp_green     { server 127.0.0.1:8457; }');
    expect(conf).toContain('if (-f /etc/notes/frontend/live/green) { set $notes_colour green; }');
    expect(conf).toContain('add_header X-Notes-Frontend-Colour $notes_colour always;');
    expect(conf).toContain('proxy_pass http://notes_backend_$notes_colour;');
    expect(conf).toContain('rewrite ^/mcp(/.*)$ $1 break;');
    expect(conf).toMatch(/listen 80;\n\s+listen 443 ssl;/);
    expect(conf).not.toMatch(/^\s*open_file_cache/m);
  });

  it('units and env files differ per colour only in ports, paths and colour', async () => {
    const app = await notes();
    const blue = renderUnit(app, 'backend', 'blue', '1.0.0');
    expect(blue).toContain('ExecStart=/bin/sh -c "exec /opt/notes/backend/blue/bin/backend"');
    expect(blue).toContain('EnvironmentFile=/etc/notes/backend-blue.env');
    expect(blue).toContain('User=notes');
    expect(renderEnvFile(app, 'mcp', 'green', '2.0.0').split('\n').slice(1)).toEqual(['NOTES_COLOUR=green', 'MCP_PORT=8457', 'NOTES_DATA=/var/lib/notes', 'NOTES_BIND=127.0.0.1', '']);
    expect(unitsOf(app, 'green')).toEqual(['notes-backend-green.service', 'notes-mcp-green.service']);
    expect(layout(app).live).toBe('/etc/notes/frontend/live');
  });

  it('deployment-config.yaml follows the seed: ports and versions per colour, the active colour', async () => {
    const app = await notes();
    const r = parseInstanceConfigText('app: notes\ncontainer: { vmid: 460, hostname: n, template: debian-12, network: { ip: 10.203.0.60/24, gateway: 10.203.0.1 } }\n', 'i.yaml', {});
    if (!r.ok) throw new Error('config');
    const state = {
      schemaVersion: 1 as const, instance_id: 'notes-x', container_id: 460, status: 'running' as const, active_color: 'green' as const,
      last_operation: 'update', last_operation_time: '2026-12-02T10:00:00Z', last_operation_status: 'success' as const, deployed_version: '2.0.0',
      colors: { blue: { version: '1.0.0', deployed_at: '2026-12-02T09:00:00Z', health: 'ready' as const }, green: { version: '2.0.0', deployed_at: '2026-12-02T10:00:00Z', health: 'ready' as const } },
    };
    const doc = parse(renderDeploymentConfig(app, 'notes-x', r.config, state, 'pve', '2026-12-01T00:00:00Z', '2026-12-02T10:00:00Z')) as Record<string, any>;
    expect(doc['deployment']).toMatchObject({ instance_id: 'notes-x', created_at: '2026-12-01T00:00:00Z' });
    expect(doc['services']['backend']).toEqual({ port_blue: 3456, port_green: 3457, active_color: 'green', version_blue: '1.0.0', version_green: '2.0.0' });
    expect(doc['services']['mcp']).toMatchObject({ port_blue: 8456, port_green: 8457 });
    expect(doc['network']).toMatchObject({ bridge: 'vmbr0', ip_address: '10.203.0.60/24', gateway: '10.203.0.1' });
  });
});
