/**
 * Every error ingest-tui raises on purpose carries a stable `code` that scripts and tests can
 * match on, and the underlying `cause` when there is one. A cancel, or a timeout the pipeline
 * sets, has no code here: it is the signal's reason (util/cancel-reasons.ts), passed on unwrapped.
 */
export type ErrorCode =
  | 'E_USAGE' // bad command line
  | 'E_CONFIG' // bad source file or ingest.json
  | 'E_SOURCE' // a source failed while reading
  | 'E_SINK' // a sink could not persist
  | 'E_OUT_DIR' // the output directory cannot be created or written
  | 'E_CHECKPOINT' // a checkpoint in --out is corrupt or belongs to another configuration
  | 'E_OVERWRITE' // the run would overwrite a file it reads, or a file in --out it did not write
  | 'E_RECORD' // the --record file cannot be opened for writing
  | 'E_DATABASE' // the --db server cannot be reached, refuses the login, or has no such database
  | 'E_FLEET' // a worker's sources or seed differ from its fleet run's, or no run has that name
  | 'E_TIMEOUT'; // a source timed out on its own terms (an HTTP phase), not on the pipeline's timer

export class IngestError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestError';
    this.code = code;
  }
}

/** Codes the CLI reports like a configuration error: the message alone, exit code 2. */
export const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'E_USAGE',
  'E_CONFIG',
  'E_OUT_DIR',
  'E_CHECKPOINT',
  'E_OVERWRITE',
  'E_RECORD',
  'E_DATABASE',
  'E_FLEET',
]);

/** Configuration and usage errors: the CLI prints the message alone and exits 2. */
export class ConfigError extends IngestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CONFIG', message, options);
    this.name = 'ConfigError';
  }
}

export class UsageError extends IngestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_USAGE', message, options);
    this.name = 'UsageError';
  }
}

/** A short, single-line description of any thrown value, for events and the screen. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const prefix = typeof code === 'string' && !err.message.includes(code) && !code.startsWith('E_') ? `${code}: ` : '';
    return (prefix + err.message).split('\n')[0] ?? err.name;
  }
  return String(err);
}
