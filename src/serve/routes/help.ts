import type { Route } from '../route.js';

export const HELP = `ingest-tui serve: fixture data with latency, throughput and faults, on loopback only.

Routes
  /orders.ndjson?records=1000      generated orders, one JSON object per line (or size=10mb)
  /data/events.ndjson              a file of the bundled fixtures/data
  /pages/1?pages=5&per=20          a paginated API: {"items": [...], "next": url | null}
  /redirect?to=URL  /loop          a redirect anywhere (file:// too), a redirect loop

Faults and pacing (any route, in the query)
  delay=2s          slow first byte: wait before answering
  rate=2kb          drip: at most this many bytes per second
  status=503        answer this status instead (retryAfter=1 adds Retry-After: 1)
  resetAt=500       drop the connection after 500 records (mid-body)
  stallAt=500       go silent after 500 records, keeping the connection open
  malformed=50      every 50th record is torn (pages: every 50th item is not an object)
  notJsonAt=3       (pages) page 3 is an HTML error page
  times=2           delay/status/resetAt/stallAt hit only the first 2 requests of this URL,
                    so a retry gets through (counted again after 5s of quiet)

Examples
  curl '{url}/orders.ndjson?records=3'
  curl -i '{url}/orders.ndjson?status=503&times=1'      then again: 200
  curl -N '{url}/orders.ndjson?records=50&rate=200'     a slow drip
`;

/** GET /: what the server offers. */
export const helpRoute: Route = async ({ req, res }) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(HELP.replaceAll('{url}', `http://${req.headers.host}`));
};
