import { BadRequest } from '../faults.js';
import type { Route } from '../route.js';

/** GET /redirect?to=URL: 302 to anywhere, e.g. file:///etc/passwd, which a client must refuse. */
export const redirectRoute: Route = async ({ res, query }) => {
  const to = query.get('to');
  if (!to) throw new BadRequest('to: missing (e.g. /redirect?to=/orders.ndjson)');
  res.writeHead(302, { location: to }).end();
};

/** GET /loop: a redirect loop (/loop -> /loop/2 -> /loop). */
export const loopRoute: Route = async ({ res, path }) => {
  res.writeHead(302, { location: path === '/loop' ? '/loop/2' : '/loop' }).end();
};
