/**
 * Starts the admin console on an in-memory repository seeded with the demo
 * site (see site.ts).
 *
 * Run: npm run console   (PORT=4000 npm run console for another port;
 *      HOST=0.0.0.0 to answer on every interface, default localhost only)
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { Seatkeeper } from 'seatkeeper';
import { createConsoleApp } from './app.js';
import { createDemoSite, sampleDirectoryFeed } from './site.js';

/** A running console. */
export interface RunningConsole {
  /** Where it answers, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** The instance behind it, to set up or inspect a scenario. */
  readonly seats: Seatkeeper;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Options of {@link startConsole}. */
export interface StartConsoleOptions {
  /** The port; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** The interface to listen on. Default `127.0.0.1`. */
  readonly hostname?: string;
  /** The instance to serve. Default: a new in-memory site seeded with the demo site. */
  readonly seats?: Seatkeeper;
}

/**
 * Serves the console until `close()` is called.
 *
 * @param options - port, interface and instance
 * @returns where it answers and how to stop it
 */
export async function startConsole(options: StartConsoleOptions = {}): Promise<RunningConsole> {
  const seats = options.seats ?? (await createDemoSite());
  const app = createConsoleApp(seats, { sampleFeed: sampleDirectoryFeed() });
  const hostname = options.hostname ?? '127.0.0.1';
  const server: ServerType = serve({ fetch: app.fetch, port: options.port ?? 3000, hostname });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`,
    seats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** `npm run console`: the demo site on `PORT` (default 3000). */
export async function main(): Promise<void> {
  const port = Number.parseInt(process.env.PORT ?? '3000', 10);
  const running = await startConsole({ port: Number.isInteger(port) ? port : 3000, hostname: process.env.HOST ?? '127.0.0.1' });
  console.log(`seatkeeper admin console: ${running.url.replace('127.0.0.1', 'localhost')}/ (Ctrl+C to stop)`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
