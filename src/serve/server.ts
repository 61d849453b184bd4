import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { packageRoot } from '../util/package-paths.js';
import { BadRequest, faultsFor, RequestCounter } from './faults.js';
import type { Route } from './route.js';
import { helpRoute } from './routes/help.js';
import { dataRoute, ordersRoute } from './routes/orders.js';
import { pagesRoute } from './routes/pages.js';
import { loopRoute, redirectRoute } from './routes/redirect.js';

export interface ServeOptions {
  /** 0 picks a free port. */
  port: number;
  /** Where /data/* files come from (default: the bundled fixtures/data). */
  dataDir?: string;
  /** One line per request, for a person watching the server. */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT */
  url: string;
  server: Server;
  close(): Promise<void>;
}

const bundledData = join(packageRoot, 'fixtures', 'data');

function routeFor(path: string): Route | undefined {
  if (path === '/') return helpRoute;
  if (path === '/orders.ndjson') return ordersRoute;
  if (path.startsWith('/data/')) return dataRoute;
  if (path.startsWith('/pages/')) return pagesRoute;
  if (path === '/redirect') return redirectRoute;
  if (path === '/loop' || path === '/loop/2') return loopRoute;
  return undefined;
}

/** The offline lecture server: loopback only, so a lecture hall's network never sees it. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const counter = new RequestCounter();
  const dataDir = options.dataDir ?? bundledData;

  const server = createServer(async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const gone = new AbortController();
    // Logged once the response is over: 'finish' came first when all of it was handed to the OS,
    // and not when it was cut (a reset fault, the client hanging up, the server stopping). Not
    // res.writableFinished right after the route returns: before Node 24 that getter looked at
    // the socket's buffer, so it was already true after end() when the kernel took everything at
    // once; since Node 24 it becomes true only with 'finish', a callback later.
    let finished = false;
    res.once('finish', () => (finished = true));
    res.on('close', () => {
      gone.abort();
      options.log?.(`${req.method} ${url.pathname}${url.search} ${res.statusCode}${finished ? '' : ' (cut)'} ${Math.round(performance.now() - started)}ms`);
    });
    try {
      const route = routeFor(url.pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
      if (!route) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: see /"}\n');
      const faults = faultsFor(url.searchParams, counter.next(url.pathname + url.search));
      await route({ req, res, path: url.pathname, query: url.searchParams, faults, gone: gone.signal, dataDir });
    } catch (err) {
      if (gone.signal.aborted) return; // the client hung up: nothing left to answer
      if (res.headersSent) return void res.destroy();
      const status = err instanceof BadRequest ? 400 : 500;
      res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify({ error: (err as Error).message })}\n`);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // dripping and stalled bodies too
      }),
  };
}
