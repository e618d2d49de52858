// Module hook for tests: reports every package module resolved from node_modules on stderr as `LOADED <url>`.
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (result.url.includes('/node_modules/')) process.stderr.write(`LOADED ${result.url}\n`);
  return result;
}
