// Public face of catalog/: package schema, loading, search and resolution. Import lazily: it loads zod and yaml.
export { packageSchema, DATABASE_TYPES, TRAP_KINDS } from './schema.js';
export type { Package, OciApp, OciPort, OciVolume, BlueGreenApp, ServiceComponent, FrontendComponent, EnvVar, HealthCheck, Trap, Artifact, ComponentSource } from './schema.js';
export { parsePackageText } from './parse.js';
export type { PackageResult, ParsePackageOptions } from './parse.js';
export { loadPackageFile, loadCatalog, packagesDir, packageNameOfFile, PACKAGE_EXT } from './load.js';
export type { Catalog } from './load.js';
export { searchPackages, matchPackage } from './search.js';
export type { SearchHit, MatchKind } from './search.js';
export { resolvePackage, requirePackage } from './resolve.js';
export type { Resolution } from './resolve.js';
export { fullImageName } from './schema/oci-image.js';
export { placeholdersIn } from './schema/primitives.js';
