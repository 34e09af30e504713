/**
 * The end-to-end harness: the production build served by `vite preview` on a free
 * port, and Debian's Chromium driven by playwright-core. One build per spec file.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface App {
  origin: string;
  browser: Browser;
  /** A fresh folder for this run's files. */
  work: string;
  /** The network gone for pages already open: the server stops and drops its connections. */
  stopServing(): Promise<void>;
  /** Chromium and the server stop, and the folder goes. */
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Builds the app, serves it and starts Chromium. */
export async function startApp(
  prefix: string, opts: { headers?: Record<string, string>; args?: string[] } = {},
): Promise<App> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const outDir = join(work, 'dist');
  await promisify(execFile)('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn']);
  const port = await freePort();
  const server: PreviewServer = await preview({ build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1', open: false, headers: opts.headers }, logLevel: 'warn' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...(opts.args ?? [])],
  });
  let serving: Promise<void> | null = null;
  const stopServing = () => serving ??= new Promise<void>((resolve) => {
    server.httpServer.close(() => resolve());
    (server.httpServer as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    browser,
    work,
    stopServing,
    async close() {
      await browser.close();
      await stopServing();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
