// Paths of the config fixtures the CLI tests feed to pxdeploy.
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

export const fixtures = (name: string) => path.join(repoRoot, 'test/fixtures/config', name);
