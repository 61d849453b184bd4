#!/usr/bin/env node
/**
 * The CLI's entry, dist/cli.js: checks the Node version before anything else loads, so that an
 * unsupported Node gets one line and exit code 2, not a stack trace from an API or a syntax it
 * lacks. scripts/build.mjs builds it on its own (no bundle, no banner) and it is written for any
 * Node that runs ES modules: nothing but var, template strings and import().
 */
var MIN_MAJOR = 20; // package.json "engines"
var version = process.versions.node;
var main = './main.js'; // src/cli/main.ts, bundled
if (Number(version.split('.')[0]) < MIN_MAJOR) {
  process.stderr.write(`ingest-tui: Node ${version} is not supported: use Node 20, 22 or 24 (22 or 24 preferred: Node 20 is past its end of life)\n`);
  process.exitCode = 2;
} else {
  // DEBUG's stack traces then name src/ files and lines (dist/ ships its source maps); mapping
  // costs start-up time, so only when asked.
  if (process.env.DEBUG && process.setSourceMapsEnabled) process.setSourceMapsEnabled(true);
  // Node 22.1+: V8 keeps the compiled bundle in its cache directory (as npm itself does), so a
  // start after the first skips compiling it. Node 20 has no such cache and starts as before.
  import('node:module').then((m) => {
    var cached = m as { enableCompileCache?: () => unknown }; // Node 22.1+; @types/node 20 has no word for it
    if (cached.enableCompileCache) cached.enableCompileCache();
    return import(main);
  });
}
