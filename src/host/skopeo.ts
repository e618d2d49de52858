// skopeo: argv builders, JSON parsers and typed errors for pulling OCI images (see host/skopeo/).
export * from './skopeo/argv.js';
export * from './skopeo/inspect.js';
export * from './skopeo/errors.js';
