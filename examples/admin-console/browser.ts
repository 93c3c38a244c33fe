/**
 * How the console's screenshots and browser tests start Chromium: Debian's
 * `chromium` package driven by playwright-core, headless.
 */
import { chromium, type Browser } from 'playwright-core';

/** Where Chromium is: `CHROMIUM` from the environment, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Headless flags: no sandbox (containers run as root), no GPU, and nothing fetched in the background. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Starts headless Chromium. Each launch runs on a fresh temporary profile
 * (its own user data directory), removed when the browser closes.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}
