// A catalog blue/green app as pxdeploy deploys it: where each part lives in the CT, its units, ports and placeholders.
import type { Package } from '../catalog/schema.js';
import type { BlueGreenApp, ServiceComponent } from '../catalog/schema.js';
import type { Color } from '../state/instance-state.js';

export const SERVICE_NAMES = ['backend', 'mcp'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface AppModel {
  name: string;
  bg: BlueGreenApp;
  services: { name: ServiceName; spec: ServiceComponent }[];
  http: number;
  https: number;
}

export function appModel(pkg: Package): AppModel {
  const bg = pkg.bluegreen;
  if (!bg) throw new Error(`package ${pkg.name} has no bluegreen: section`);
  const services: AppModel['services'] = [{ name: 'backend', spec: bg.components.backend }];
  if (bg.components.mcp) services.push({ name: 'mcp', spec: bg.components.mcp });
  const fe = bg.components.frontend;
  return { name: pkg.name, bg, services, http: fe?.ports.http ?? 80, https: fe?.ports.https ?? 443 };
}

export const otherColor = (c: Color): Color => (c === 'blue' ? 'green' : 'blue');

/** Paths inside the CT, per the seed's layout (`/opt/<app>/<component>/<colour>`, `/etc/<app>/…`). */
export function layout(app: AppModel) {
  const etc = `/etc/${app.name}`;
  return {
    etc,
    componentDir: (svc: ServiceName, c: Color) => `${app.bg.install_root}/${svc}/${c}`,
    envFile: (svc: ServiceName, c: Color) => `${etc}/${svc}-${c}.env`,
    unit: (svc: ServiceName, c: Color) => `${app.name}-${svc}-${c}.service`,
    unitFile: (svc: ServiceName, c: Color) => `/etc/systemd/system/${app.name}-${svc}-${c}.service`,
    frontendDir: `${etc}/frontend`,
    live: `${etc}/frontend/live`,
    liveNext: `${etc}/frontend/live.next`,
    tlsCert: `${etc}/tls/${app.name}.crt`,
    tlsKey: `${etc}/tls/${app.name}.key`,
    nginxConf: `/etc/nginx/conf.d/${app.name}.conf`,
    deploymentConfig: `${etc}/deployment-config.yaml`,
    backups: `/var/backups/${app.name}`,
    /** Response header naming the colour nginx chose (docs/cutover.md). */
    colourHeader: `X-${app.name.charAt(0).toUpperCase()}${app.name.slice(1)}-Frontend-Colour`,
  };
}

export type Layout = ReturnType<typeof layout>;

export function unitsOf(app: AppModel, c: Color): string[] {
  const l = layout(app);
  return app.services.map((s) => l.unit(s.name, c));
}

/** Fill `{name}` placeholders; unknown ones stay (the catalog rules already refuse them). */
export function fill(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{([a-z_]+)\}/g, (all, k: string) => (values[k] === undefined ? all : String(values[k])));
}

/** Placeholder values of one component in one colour. */
export function placeholders(app: AppModel, svc: ServiceName, c: Color, version: string): Record<string, string | number | undefined> {
  const l = layout(app);
  const spec = app.services.find((s) => s.name === svc)!.spec;
  const dir = l.componentDir(svc, c);
  const binary = spec.source.artifact?.binary;
  return {
    dir,
    port: spec.ports[c],
    backend_port: app.bg.components.backend.ports[c],
    color: c,
    version,
    data: app.bg.data_root,
    config: app.bg.config.path,
    bin: binary ? `${dir}/${fill(binary, { version, arch: 'amd64' })}` : undefined,
  };
}
