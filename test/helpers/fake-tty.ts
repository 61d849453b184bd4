import { PassThrough, Writable } from 'node:stream';

/** A stdout that says it is a terminal of a given size and keeps every byte written to it. */
export class FakeTerminal extends Writable {
  isTTY = true;
  columns: number;
  rows: number;
  output = '';
  constructor(columns: number, rows: number) {
    super({ decodeStrings: false });
    this.columns = columns;
    this.rows = rows;
  }
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: () => void) {
    this.output += chunk.toString();
    done();
  }
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** A stdin that says it is a terminal: keys are written into it. */
export function fakeKeyboard() {
  const stdin = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void; rawMode: boolean[]; ref(): void; unref(): void };
  stdin.isTTY = true;
  stdin.rawMode = [];
  stdin.setRawMode = (mode: boolean) => void stdin.rawMode.push(mode);
  stdin.ref = () => {};
  stdin.unref = () => {};
  return stdin;
}
