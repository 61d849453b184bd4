import { type Lesson, SOURCE_STATES, type Summary } from '../../pipeline/events.js';
import { type Note, queuedView, type Snapshot, type SourceView } from '../model/store.js';
import { packRow, STRIDE, unpackRow } from './snapshot-fields.js';

/**
 * A store's snapshots sent to another thread (the dashboard's worker) cheaply enough to do ten
 * times a second with 10,000 sources. Cloning the views as objects costs ~15 ms at 10,000 (that
 * would be event-loop lag in itself); so the per-source numbers travel as one Float64Array (at
 * 10,000 sources ~0.3 ms to pack, ~0.2 ms to unpack), names and kinds once when the sources are
 * announced, and texts (error, last note), lessons and notes only when they changed.
 */
export interface SnapshotMessage {
  type: 'snapshot';
  head: Head;
  /** Sources announced since the last message, appended in order. */
  added?: { names: string[]; kinds: string[]; expected: ({ chunks?: number; bytes?: number } | undefined)[] };
  /** STRIDE numbers per source (snapshot-fields.ts), for all of them. */
  table: Float64Array;
  /** [index, error, lastNote] for the sources whose texts changed. */
  texts: [number, string | undefined, string | undefined][];
  /** [index, fields] for the sources whose cancel, held times or marks changed (few, and rarely). */
  extras: [number, Extras][];
  /** null: the lesson is gone; absent: unchanged. */
  lesson?: Lesson | null;
  notes?: readonly Note[];
}

type Head = Omit<Snapshot, 'sources' | 'lesson' | 'notes' | 'summary'> & { summary?: Summary };
type Extras = Pick<SourceView, 'cancellingAt' | 'cancelReason' | 'held' | 'marks'>;

/** A cheap fingerprint of a view's extras: they only ever grow (a cancel once, intervals and marks added). */
const extrasKey = (v: SourceView) =>
  v.cancellingAt === undefined && v.held === undefined && v.marks === undefined
    ? ''
    : `${v.cancellingAt ?? ''}|${v.held?.length ?? 0}|${v.held?.at(-1) ?? ''}|${v.marks ? Object.keys(v.marks).length : 0}`;

/** The sending side: remembers what it sent, to send texts and names only once. */
export function createSnapshotEncoder() {
  let announced = 0;
  const sentTexts: (string | undefined)[] = [];
  const sentExtras: string[] = [];
  let sentLesson: Lesson | undefined;
  let sentNote: Note | undefined;
  let sentNotes = -1;

  return function encode(snapshot: Snapshot): { message: SnapshotMessage; transfer: ArrayBuffer[] } {
    const { sources, lesson, notes, summary, ...rest } = snapshot;
    if (sources.length < announced) throw new Error('snapshot-wire: sources are only ever appended');
    const message: SnapshotMessage = {
      type: 'snapshot',
      // The summary's per-source table is for the text printed after the dashboard, not for it.
      head: { ...rest, ...(summary ? { summary: { ...summary, sources: [] } } : {}) },
      table: new Float64Array(sources.length * STRIDE),
      texts: [],
      extras: [],
    };
    if (sources.length > announced) {
      const fresh = sources.slice(announced);
      message.added = { names: fresh.map((v) => v.name), kinds: fresh.map((v) => v.kind), expected: fresh.map((v) => v.expected) };
      announced = sources.length;
    }
    const { table, texts, extras } = message;
    for (let i = 0; i < sources.length; i++) {
      const v = sources[i]!;
      packRow(v, table, i * STRIDE);
      if (v.error !== sentTexts[2 * i] || v.lastNote !== sentTexts[2 * i + 1]) {
        texts.push([i, v.error, v.lastNote]);
        sentTexts[2 * i] = v.error;
        sentTexts[2 * i + 1] = v.lastNote;
      }
      const key = extrasKey(v);
      if (key !== (sentExtras[i] ?? '')) {
        extras.push([i, { cancellingAt: v.cancellingAt, cancelReason: v.cancelReason, held: v.held && [...v.held], marks: v.marks && { ...v.marks } }]);
        sentExtras[i] = key;
      }
    }
    if (lesson !== sentLesson) {
      message.lesson = lesson ?? null;
      sentLesson = lesson;
    }
    // The store keeps the last 50 notes: a new one is a new last element (or the first ones).
    if (notes.length !== sentNotes || notes.at(-1) !== sentNote) {
      message.notes = notes;
      sentNotes = notes.length;
      sentNote = notes.at(-1);
    }
    return { message, transfer: [table.buffer as ArrayBuffer] };
  };
}

/**
 * The receiving side: a store with the Store's reading half (getSnapshot, subscribe) whose
 * snapshots are rebuilt from messages. Its views are live objects updated in place, like the
 * real store's.
 */
export function createReplicaStore() {
  const views: SourceView[] = [];
  const listeners = new Set<(snapshot: Snapshot) => void>();
  let lesson: Lesson | undefined;
  let notes: readonly Note[] = [];
  // Until the first message: a run that has not started (the dashboard draws nothing for it).
  let snapshot: Snapshot = {
    version: 0,
    t: 0,
    startedAtEpochMs: Date.now(),
    concurrency: 0,
    paused: false,
    sink: 'none',
    sources: views,
    counts: Object.fromEntries(SOURCE_STATES.map((s) => [s, 0])) as Snapshot['counts'],
    records: 0,
    bytes: 0,
    persisted: 0,
    deadLettered: 0,
    retries: 0,
    finishedBusyMs: 0,
    rssHistory: [],
    lagHistory: [],
    historyStep: 1,
    notes,
    slowmo: 1,
    peakRunning: 0,
    held: [],
    heldMs: 0,
    maxLagMs: 0,
  };

  function apply(message: SnapshotMessage) {
    if (message.added) {
      const { names, kinds, expected } = message.added;
      for (const [i, name] of names.entries()) views.push(queuedView(name, kinds[i]!, expected[i]));
    }
    const { table } = message;
    for (let i = 0; i < views.length; i++) unpackRow(views[i]!, table, i * STRIDE);
    for (const [i, error, lastNote] of message.texts) {
      const v = views[i]!;
      v.error = error;
      v.lastNote = lastNote;
    }
    for (const [i, fields] of message.extras) Object.assign(views[i]!, fields);
    if (message.lesson !== undefined) lesson = message.lesson ?? undefined;
    if (message.notes) notes = message.notes;
    snapshot = { ...message.head, sources: views, lesson, notes };
  }

  return {
    /** Take a message in; listeners hear about it on `notify`. */
    apply,
    notify() {
      for (const listener of listeners) listener(snapshot);
    },
    getSnapshot: () => snapshot,
    subscribe(listener: (snapshot: Snapshot) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
