import { setImmediate as yieldToLoop } from 'node:timers/promises';

/**
 * Where the lanes' items come from, one at a time, as a slot frees (SourceFeed in source-feed.ts
 * is this over sources). The array is the default; a fleet of workers implements it over a
 * database (each `next` claims one source), so a queued source costs nothing here: it is only
 * taken when a lane is free to run it.
 */
export interface Feed<T> {
  /**
   * The next source, or undefined when there are none left. May answer synchronously (the array
   * does: no promise per source). `signal` aborts when the run stops: a feed that claims from
   * elsewhere should stop claiming then; one that holds its sources may go on handing them out,
   * so that each is accounted for (the pipeline ends them as cancelled without running them).
   */
  next(signal: AbortSignal): T | undefined | Promise<T | undefined>;
  /** How many sources it holds, when it knows: with room for all of them there is nothing to limit. */
  readonly size?: number;
}

/** The sources of an array, in order: a cursor, nothing per source. */
export function arrayFeed<T>(items: readonly T[]): Feed<T> {
  let at = 0;
  return {
    size: items.length,
    next: () => (at < items.length ? items[at++] : undefined),
  };
}

export interface LanesOptions<T> {
  feed: Feed<T>;
  /** Runs one source; `index` counts the sources in the order they were taken (0, 1, 2, …). */
  run(item: T, index: number): Promise<void>;
  concurrency: number;
  signal: AbortSignal;
  /** Gives the loop a turn when starting lanes has held it this long (10,000 lanes at once). */
  sliceMs?: number;
  /** Called once every lane is started (the unlimited case holds the run's clock until then). */
  started?(): void;
}

/**
 * Lanes that pull: each takes the next source from the feed, runs it, and takes another, until the
 * feed is empty. p-limit's meaning, without a queued promise and closure per source: at most
 * `concurrency` run at once, in the feed's order; raising it starts lanes at once, lowering it
 * lets running sources finish and their lanes end until the count is down.
 */
export class Lanes<T> {
  private limit: number;
  /** Lanes alive: running a source or waiting on the feed for one. */
  private lanes = 0;
  private takenSoFar = 0;
  private exhausted = false;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  private failed = false;
  readonly done: Promise<void>;

  constructor(private readonly options: LanesOptions<T>) {
    this.limit = Math.max(1, Math.floor(options.concurrency));
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
  }

  get concurrency() {
    return this.limit;
  }

  /** Sources taken from the feed so far. */
  get taken() {
    return this.takenSoFar;
  }

  /** Lanes now: running a source or about to take one. */
  get active() {
    return this.lanes;
  }

  set concurrency(value: number) {
    this.limit = Math.max(1, Math.floor(value));
    if (this.startedAll) void this.spawn(); // more room: new lanes take sources now
  }

  private startedAll = false;

  /** Starts the first lanes (in slices of the loop's time); `done` settles when all have ended. */
  async start() {
    const size = this.options.feed.size;
    if (size !== undefined && size <= this.limit) await this.startAll(size);
    else await this.spawn();
    this.startedAll = true;
    this.options.started?.();
    // More room may have been given while the first lanes were starting.
    void this.spawn();
    this.settleIfIdle();
  }

  private spawning = false;

  private async spawn() {
    if (this.spawning) return;
    this.spawning = true;
    try {
      const sliceMs = this.options.sliceMs ?? 5;
      let sliceEnd = performance.now() + sliceMs;
      const size = this.options.feed.size;
      while (!this.exhausted && !this.failed && this.lanes < this.limit && (size === undefined || this.takenSoFar + this.pendingTakes < size)) {
        if (performance.now() > sliceEnd) {
          await yieldToLoop();
          sliceEnd = performance.now() + sliceMs;
          continue; // the state may have moved meanwhile
        }
        this.lanes += 1;
        void this.lane();
      }
    } finally {
      this.spawning = false;
    }
  }

  /**
   * With room for every source, each runs on its own, started as it comes (no lane to loop back
   * to the feed): at 100,000 sources at once a lane's suspended frame per source added ~300 MB
   * of peak RSS.
   */
  private async startAll(size: number) {
    const sliceMs = this.options.sliceMs ?? 5;
    let sliceEnd = performance.now() + sliceMs;
    const ended = () => {
      this.lanes -= 1;
      this.settleIfIdle();
    };
    const failed = (error: unknown) => {
      this.failed = true;
      this.lanes -= 1;
      this.rejectDone(error);
    };
    while (this.takenSoFar < size && !this.failed) {
      if (performance.now() > sliceEnd) {
        await yieldToLoop();
        sliceEnd = performance.now() + sliceMs;
      }
      const next = this.options.feed.next(this.options.signal);
      const item = next instanceof Promise ? await next : next;
      if (item === undefined) break;
      this.lanes += 1;
      this.options.run(item, this.takenSoFar++).then(ended, failed);
    }
    this.exhausted = true;
  }

  /** Lanes that have asked the feed and not heard back (a lane asks as it starts). */
  private pendingTakes = 0;

  private async lane() {
    try {
      for (;;) {
        if (this.exhausted || this.failed) break;
        this.pendingTakes += 1;
        let item: T | undefined;
        try {
          const next = this.options.feed.next(this.options.signal);
          item = next instanceof Promise ? await next : next;
        } catch (error) {
          // A feed that claims from elsewhere stops claiming when the run stops (its next rejects
          // with the signal's reason): nothing more to take, not a failure.
          if (!this.options.signal.aborted) throw error;
          item = undefined;
        } finally {
          this.pendingTakes -= 1;
        }
        if (item === undefined) {
          this.exhausted = true;
          break;
        }
        await this.options.run(item, this.takenSoFar++);
        // Lowered meanwhile: this lane ends, the others run on.
        if (this.lanes > this.limit) break;
      }
    } catch (error) {
      this.failed = true;
      this.lanes -= 1;
      this.rejectDone(error);
      return;
    }
    this.lanes -= 1;
    this.settleIfIdle();
  }

  private settleIfIdle() {
    if (this.lanes > 0 || !this.startedAll || this.failed) return;
    // No lane left: the feed is empty (or every source taken), or the count went to zero lanes
    // without it being empty, which a limit of at least 1 never allows.
    if (this.exhausted || this.takenSoFar === this.options.feed.size) this.resolveDone();
    else void this.spawn().then(() => this.settleIfIdle());
  }
}
