import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: URLSearchParams;
  faults: Faults;
  /** Aborted when the client hangs up. */
  gone: AbortSignal;
  dataDir: string;
}

export type Route = (ctx: RouteContext) => Promise<void>;
