import { setTimeout as delay } from 'node:timers/promises'; // wall time; the run's clock has sleep()
import { LIMITS } from '../../util/limits.js';
import { PacedWriter, sendStatus } from '../body.js';
import { BadRequest, queryInt } from '../faults.js';
import { orderLine } from '../records.js';
import type { Route } from '../route.js';

/**
 * GET /pages/N?pages=5&per=20: page N of a paginated API, {"items": [...], "next": url | null}.
 * `malformed=k` makes every k-th item a string (not a record); `notJsonAt=N` answers page N with
 * an HTML error page and status 200, as a misconfigured proxy would.
 */
export const pagesRoute: Route = async ({ req, res, path, query, faults, gone }) => {
  const page = Number(path.slice('/pages/'.length));
  const pages = queryInt(query, 'pages', 1) ?? 5;
  const per = queryInt(query, 'per', 0, LIMITS.pageItems) ?? 20; // a page is built in memory whole
  if (!Number.isInteger(page) || page < 1 || page > pages) throw new BadRequest(`no page ${path.slice(7)} (pages 1-${pages})`);
  await delay(faults.delayMs, undefined, { signal: gone });
  if (sendStatus(res, faults)) return;

  if (page === queryInt(query, 'notJsonAt')) {
    res.writeHead(200, { 'content-type': 'text/html' });
    return void res.end('<html><body><h1>502 Bad Gateway</h1></body></html>\n');
  }
  const items = Array.from({ length: per }, (_, i) => {
    const n = (page - 1) * per + i + 1;
    return faults.malformed && n % faults.malformed === 0 ? `"torn record ${n}"` : orderLine(n);
  });
  const next = page < pages ? `http://${req.headers.host}/pages/${page + 1}${query.size > 0 ? `?${query}` : ''}` : null;
  res.writeHead(200, { 'content-type': 'application/json' });
  const out = new PacedWriter(res, faults.rate, gone);
  await out.write(`{"items":[${items.join(',')}],"next":${JSON.stringify(next)}}\n`);
  res.end();
};
