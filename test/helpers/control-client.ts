import { connect, type Socket } from 'node:net';
import { after } from 'node:test';
import type { ControlRequest } from '../../src/ui/dashboard/controls.js';

// biome-ignore lint/suspicious/noExplicitAny: messages under test, asserted field by field
type Message = Record<string, any>;

export interface ControlClient {
  socket: Socket;
  /** Every message the run has sent so far, parsed. */
  messages: Message[];
  /** The events among them (the `event` messages' payloads), in order. */
  events(): Message[];
  /** Resolves with the first message (seen so far or to come) that matches. */
  waitFor(match: (message: Message) => boolean, what?: string, timeoutMs?: number): Promise<Message>;
  waitForEvent(match: (event: Message) => boolean, what?: string): Promise<Message>;
  /** Send a request; resolves with its answer. */
  request(request: ControlRequest): Promise<Message>;
  /** Resolves once the run has closed the connection. */
  closed: Promise<void>;
}

/** A plain client of the control protocol, as a script would write one. Closed after the test file. */
export function controlClient(path: string): Promise<ControlClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    after(() => socket.destroy());
    const messages: Message[] = [];
    const waiters: { match: (m: Message) => boolean; done: (m: Message) => void }[] = [];
    let buffered = '';
    let id = 0;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      buffered += data;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const message = JSON.parse(buffered.slice(0, nl)) as Message;
        buffered = buffered.slice(nl + 1);
        messages.push(message);
        for (const w of [...waiters]) {
          if (w.match(message)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.done(message);
          }
        }
      }
    });
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    const client: ControlClient = {
      socket,
      messages,
      events: () => messages.filter((m) => m.type === 'event').map((m) => m.event),
      waitFor(match, what = 'a message', timeoutMs = 15_000) {
        const seen = messages.find(match);
        if (seen) return Promise.resolve(seen);
        return new Promise((done, fail) => {
          const timer = setTimeout(
            () => fail(new Error(`timed out waiting for ${what}; saw ${messages.map((m) => m.event?.type ?? m.type).join(' ')}`)),
            timeoutMs,
          );
          waiters.push({
            match,
            done: (m) => {
              clearTimeout(timer);
              done(m);
            },
          });
        });
      },
      waitForEvent(match, what = 'an event') {
        return client.waitFor((m) => m.type === 'event' && match(m.event), what).then((m) => m.event);
      },
      request(request) {
        id += 1;
        const mine = id;
        socket.write(`${JSON.stringify({ type: 'control', id: mine, request })}\n`);
        return client.waitFor((m) => m.type === 'answer' && m.id === mine, `the answer to ${request.op}`);
      },
      closed,
    };
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}
