// No imports: the --offload worker threads load this too.

/**
 * A record a source could read but not hand on as text (not valid UTF-8, larger than its
 * maxRecordBytes): it counts as read, and the transform sends it to the dead letters with this
 * reason and excerpt, as it does a line that is not JSON.
 */
export class UnreadableRecord {
  constructor(
    readonly reason: string,
    readonly excerpt: string,
  ) {}
}
