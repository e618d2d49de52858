// Entry point of pvesim's `pvesm`.
import { runTool } from './common/cli.js';
import { pvesmTool } from './pvesm/commands.js';

await runTool(pvesmTool, process.argv.slice(2));
