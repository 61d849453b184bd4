// npm links bin files as they are; the built CLI needs its exec bit on a fresh clone.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
