// `npm pack` / `npm publish` ship package.json as it is on disk. A clone needs `prepare` (so that
// `npm install` builds dist/), but in a tarball it does nothing except make npm 11 ask every user
// to approve an install script. prepack takes it out of the shipped manifest; postpack puts the
// file back byte for byte. `print` shows what would ship (for the tests).
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const manifest = new URL('../package.json', import.meta.url);
const saved = new URL('../.package.json.prepack', import.meta.url);

function shipped() {
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  delete pkg.scripts.prepare;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const step = process.argv[2];
if (step === 'strip') {
  copyFileSync(manifest, saved);
  writeFileSync(manifest, shipped());
} else if (step === 'restore') {
  copyFileSync(saved, manifest);
  rmSync(saved);
} else if (step === 'print') {
  process.stdout.write(shipped());
} else {
  throw new Error(`pack-manifest: strip, restore or print, not ${step}`);
}
