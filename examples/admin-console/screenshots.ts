/**
 * Takes the screenshots of the two license views that the docs show:
 * docs/images/console-host.png (the host admin's view) and
 * docs/images/console-partner.png (a partner admin's view), in headless Chromium.
 *
 * Run: npx tsx examples/admin-console/screenshots.ts
 *      (CHROMIUM=/path/to/chromium when it is not /usr/bin/chromium)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.js';
import { startConsole } from './server.js';

const images = fileURLToPath(new URL('../../docs/images/', import.meta.url));
const running = await startConsole({ port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${running.url}/license?partner=northwind`);
  await page.getByTestId('host-view').screenshot({ path: join(images, 'console-host.png') });
  await page.getByTestId('partner-view').screenshot({ path: join(images, 'console-partner.png') });
  console.log(`wrote ${join(images, 'console-host.png')} and console-partner.png`);
} finally {
  await browser.close();
  await running.close();
}
