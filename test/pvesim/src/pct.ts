// Entry point of pvesim's `pct`.
import { runTool } from './common/cli.js';
import { pctTool } from './pct/commands.js';

await runTool(pctTool, process.argv.slice(2));
