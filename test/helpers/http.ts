import type { Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../../src/serve/server.js';
import { http } from '../../src/sources/http.js';
import type { Source } from '../../src/sources/source.js';

/** The offline server on a free loopback port for one test, closed after it; it counts sockets. */
export async function startTestServer(t: TestContext) {
  const running = await startServer({ port: 0 });
  const sockets = new Set<Socket>();
  let opened = 0;
  running.server.on('connection', (socket: Socket) => {
    opened += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  t.after(() => running.close());
  return {
    url: running.url,
    /** Connections the server has accepted so far / still has open. */
    opened: () => opened,
    open: () => sockets.size,
    /** Resolves once the server has no open connection left; rejects after `ms`. */
    async allClosed(ms = 2000) {
      const until = performance.now() + ms;
      while (sockets.size > 0) {
        if (performance.now() > until) throw new Error(`${sockets.size} connection(s) still open after ${ms}ms`);
        await sleep(10);
      }
    },
  };
}

/** An http source as a source file would declare it; "/paths" resolve against `serveUrl`. */
export function httpSource(fields: Record<string, unknown>, serveUrl: string): Source {
  const config = http.schema.parse({ name: 'api', kind: 'http', ...fields });
  return http.create(config, { baseDir: '.', seed: 1, slowmo: 1, serveUrl });
}
