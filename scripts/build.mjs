// Builds dist/ with esbuild: the CLI and the modules that start on their own (worker threads, the
// offline server's process), bundled with their dependencies and split into lazily loaded chunks.
// One file per chunk instead of hundreds of modules: loading Ink went from ~330 ms to ~80 ms, and
// --help and headless runs load less too. Type checking stays with tsc (npm test runs it).
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const dist = new URL('dist/', root);
rmSync(dist, { recursive: true, force: true });

/** zod's locales index, from inside zod: its English locale alone (see scripts/build/zod-locales.mjs). */
const onlyEnglishZod = {
  name: 'only-english-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: fileURLToPath(new URL('scripts/build/zod-locales.mjs', root)) } : undefined,
    );
  },
};

await build({
  absWorkingDir: fileURLToPath(root), // a path, not a URL's pathname (C:\\ on Windows, %20 anywhere)
  entryPoints: {
    main: 'src/cli/main.ts', // started by dist/cli.js, below
    'pipeline/offload/transform-worker': 'src/pipeline/offload/transform-worker.ts',
    'sinks/sqlite-worker': 'src/sinks/sqlite-worker.ts',
    'ui/dashboard/worker': 'src/ui/dashboard/worker.ts',
    'serve/main': 'src/serve/main.ts',
  },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true, // dynamic imports stay lazy: --help never loads Ink, zod or got
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // A native addon, and a pool that finds its own worker file next to its module.
  external: ['better-sqlite3', 'piscina'],
  alias: { 'react-devtools-core': './scripts/build/devtools-stub.mjs' },
  plugins: [onlyEnglishZod],
  // Bundled CommonJS (React) calls require() for Node's built-ins; ESM has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // Less for V8 to read and compile at every start (43 ms of a one-source run's 260 ms was
  // compiling): whitespace and syntax only, names kept, so a stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// dist/cli.js, the bin: the Node version check, then dist/main.js. Not bundled, and without the
// banner above, so that a Node too old for the rest still reads it and says so in one line.
await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: { cli: 'src/bin.ts' },
  outdir: 'dist',
  format: 'esm',
  platform: 'node',
  target: 'es2015',
  supported: { 'dynamic-import': true },
  logLevel: 'warning',
});
chmodSync(new URL('cli.js', dist), 0o755); // npm links bin files as they are
