// The one place that loads the C++ addon. Everything else imports `native` from here,
// so a missing or stale binary fails in one way, with a message that says how to fix it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from './native-types.js';

export type { NativeAddon } from './native-types.js';

/** Thrown when the addon binary is missing or cannot be loaded. */
export class NativeAddonMissingError extends Error {
  override readonly name = 'NativeAddonMissingError';
}

function packageRoot(): string {
  // Works from ts/ (vitest) and from dist/ts/ (compiled): walk up to package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new NativeAddonMissingError('twinmap: cannot find the package root');
    dir = up;
  }
  return dir;
}

function load(): NativeAddon {
  const root = packageRoot();
  let file = process.env['TWINMAP_ADDON'] ?? join(root, 'build', 'Release', 'twinmap.node');
  // On Windows, a cross-compiled addon (`npm run build:win32`) when there is no native build.
  const crossBuilt = join(root, 'build-win32', 'twinmap.node');
  if (process.platform === 'win32' && !existsSync(file) && existsSync(crossBuilt)) file = crossBuilt;
  if (!existsSync(file)) {
    throw new NativeAddonMissingError(
      `twinmap: the native addon is not built (${file} is missing). ` +
        `Build it with \`npm run build:native\` in ${root} (needs cmake and a C++ compiler).`,
    );
  }
  try {
    return createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    throw new NativeAddonMissingError(
      `twinmap: the native addon at ${file} failed to load (${(e as Error).message}). ` +
        'Rebuild it with `npm run build:native`.',
      { cause: e },
    );
  }
}

export const native: NativeAddon = load();
