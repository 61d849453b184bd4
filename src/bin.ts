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
  import(main);
}
