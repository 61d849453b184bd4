import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sendLines } from '../body.js';
import { BadRequest, queryInt, querySize } from '../faults.js';
import { orders } from '../records.js';
import type { Route } from '../route.js';

/** GET /orders.ndjson?records=1000 (or size=10mb): generated orders, one JSON object per line. */
export const ordersRoute: Route = async ({ res, query, faults, gone }) => {
  const size = querySize(query, 'size');
  const count = queryInt(query, 'records') ?? 1000;
  await sendLines(res, orders(count, size), faults, gone);
};

/** GET /data/<file>.ndjson: a file of the bundled fixtures/data, with the same faults. */
export const dataRoute: Route = async ({ res, path, faults, gone, dataDir }) => {
  const name = path.slice('/data/'.length);
  if (!/^[\w-]+(\.[\w-]+)*\.ndjson$/.test(name)) throw new BadRequest(`${name}: not a data file name`);
  const text = await readFile(join(dataDir, name), 'utf8').catch(() => undefined);
  if (text === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such data file"}\n');
  await sendLines(
    res,
    text.split('\n').filter((line) => line.trim() !== ''),
    faults,
    gone,
  );
};
