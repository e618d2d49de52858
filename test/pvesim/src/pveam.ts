// Entry point of pvesim's `pveam`.
import { runTool } from './common/cli.js';
import { pveamTool } from './pveam/commands.js';

await runTool(pveamTool, process.argv.slice(2));
