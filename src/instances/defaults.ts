// The instance config `install <id>` writes when none is given: the catalog app's defaults, ready to edit.
import type { AppModel } from './app-model.js';

export function defaultInstanceConfig(id: string, app: AppModel): string {
  const r = app.bg.resources;
  const hostname = id.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || app.name;
  return [
    `# /etc/pxdeploy/instances/${id}.yaml - written by \`pxdeploy install ${id}\` from the defaults of catalog app "${app.name}".`,
    '# Edit it (address, resources, TLS, versions) and run `pxdeploy update` to apply a new version.',
    `app: ${app.name}`,
    `version: ${JSON.stringify(app.bg.version)}`,
    'container:',
    `  hostname: ${hostname}`,
    '  template: debian-12',
    `  resources: { cores: ${r.cores}, memory: ${r.memory}, disk: ${r.disk} }`,
    '  network: { bridge: vmbr0, ip: dhcp }',
    '  features: { nesting: true }',
    '  start_on_boot: true',
    `  tags: [pxdeploy-instance, ${app.name}]`,
    'tls: {}            # cert: /path/fullchain.pem, key: /path/key.pem; empty = self-signed in the CT',
    'health: { timeout: 60, interval: 0.5 }',
    'update: { backup: true }',
    '',
  ].join('\n');
}
