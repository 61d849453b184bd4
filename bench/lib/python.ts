import { spawnSync } from 'node:child_process';

/** python3 on PATH, or undefined: the Python comparison is optional. */
export function findPython(): string | undefined {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? 'python3' : undefined;
}
