// Entry point: the --version fast path, then the CLI; the one place that exits the process.
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  // Answered before commander or any command module loads: `--version` must cost no more than bare node.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const { runCli } = await import('./cli/run.js');
  return runCli(argv, { version: packageVersion() });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // runCli maps every error itself; reaching this is a bug in the CLI layer.
    process.stderr.write(`pxdeploy: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
