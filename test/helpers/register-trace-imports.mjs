// Registers trace-imports.mjs as a module hook (used with `node --import`).
import { register } from 'node:module';
register('./trace-imports.mjs', import.meta.url);
