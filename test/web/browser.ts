// The headless browser for test/web: Debian's chromium (scripts/install-chromium.sh)
// driven by playwright-core. When either is missing the browser tests are
// skipped with the reason printed, never passed.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The chromium binary: $CHROMIUM, else chromium on PATH; null when there is none. */
export function findChromium(): string | null {
  const env = process.env.CHROMIUM;
  if (env && existsSync(env)) return env;
  try {
    const p = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
    return p !== '' ? p : null;
  } catch {
    return null;
  }
}

export type Playwright = typeof import('playwright-core');

export async function loadPlaywright(): Promise<Playwright | null> {
  try {
    return await import('playwright-core');
  } catch {
    return null;
  }
}

/** Why the browser tests cannot run here, or null when they can. */
export async function browserMissing(): Promise<string | null> {
  if (findChromium() === null) return 'chromium is not installed (scripts/install-chromium.sh installs it)';
  if ((await loadPlaywright()) === null) return 'playwright-core is not installed (npm ci)';
  return null;
}
