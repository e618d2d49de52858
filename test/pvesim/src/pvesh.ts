// Entry point of pvesim's `pvesh`.
import { runTool } from './common/cli.js';
import { pveshTool } from './pvesh/commands.js';

await runTool(pveshTool, process.argv.slice(2));
