import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Mounts a small tmpfs (a real full disk, or a read-only one) on a fresh directory and returns
 * its path; unmounts and removes it when the test ends. Needs root and mount rights (CI runs as
 * root); returns undefined where that is not allowed, so the test can skip and say why.
 */
export function mountTmpfs(t: TestContext, options: { size: string; readOnly?: boolean }): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-tui-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${options.size}${options.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  t.after(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

export function remountTmpfs(dir: string, size: string) {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir], { stdio: 'ignore' });
}
