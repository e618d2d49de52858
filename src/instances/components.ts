// Which of an app's components an instance deploys: an `optional` one only when the instance config gives its source.
import type { AppModel } from './app-model.js';
import type { InstanceConfig } from './config-schema.js';

export function componentsFor(app: AppModel, config: Pick<InstanceConfig, 'sources'>): AppModel {
  const mcp = app.bg.components.mcp;
  if (!mcp?.optional || config.sources.mcp) return app;
  // Dropped from the model as a whole, so units, nginx routes and health probes all agree it is absent.
  const { mcp: _dropped, ...components } = app.bg.components;
  return { ...app, bg: { ...app.bg, components }, services: app.services.filter((s) => s.name !== 'mcp') };
}
