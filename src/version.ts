import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This package's name and version, read from its package.json (works from `src/` and `dist/`). */
export const LIBRARY: { readonly name: string; readonly version: string } = (() => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
})();
