import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSources, loadSources } from '../../src/pipeline/config.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const sim = (extra: Record<string, unknown> = {}) => ({ name: 'a', kind: 'simulated', ...extra });

async function configError(files: Record<string, unknown>, path = ''): Promise<string> {
  const dir = writeFiles(tempDir(), files);
  try {
    await loadSources(join(dir, path));
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'E_CONFIG');
    return (err as Error).message;
  }
  assert.fail('expected a configuration error');
}

describe('loadSources', () => {
  it('reads one source or an array per file, sorted by file name', async () => {
    const dir = writeFiles(tempDir(), {
      'b.json': [sim({ name: 'b1' }), sim({ name: 'b2' })],
      'a.json': sim({ name: 'a1' }),
      'notes.txt': 'not a source',
    });
    const { configs } = await loadSources(dir);
    assert.deepEqual(
      configs.map((c) => c.name),
      ['a1', 'b1', 'b2'],
    );
  });

  it('expands count into zero-padded names', async () => {
    const dir = writeFiles(tempDir(), { 'o.json': sim({ name: 'orders', count: 3 }) });
    const { configs } = await loadSources(dir);
    assert.deepEqual(
      configs.map((c) => c.name),
      ['orders-0001', 'orders-0002', 'orders-0003'],
    );
  });

  it('parses durations and applies defaults', async () => {
    const dir = writeFiles(tempDir(), { 'o.json': sim({ latency: '1.2s', timeout: '250ms' }) });
    const [config] = (await loadSources(dir)).configs;
    const simulated = config!.config as { timeout?: number; latency?: number; chunks?: number };
    assert.equal(simulated.latency, 1200);
    assert.equal(simulated.timeout, 250);
    assert.equal(simulated.chunks, 10);
  });

  it('reads run defaults from ingest.json', async () => {
    const dir = writeFiles(tempDir(), { 'ingest.json': { concurrency: 3, timeout: '5s', deadline: '1.2s' }, 'a.json': sim() });
    const { defaults, configs } = await loadSources(dir);
    assert.deepEqual(defaults, { concurrency: 3, timeout: 5000, deadline: 1200 });
    assert.equal(configs.length, 1, 'ingest.json is not a source');
  });

  it('accepts a single file and resolves file paths against it', async () => {
    const dir = writeFiles(tempDir(), { 'sub/events.json': { name: 'e', kind: 'file', path: 'data/e.ndjson' }, 'sub/data/e.ndjson': '{"a":1}\n' });
    const { configs } = await loadSources(join(dir, 'sub/events.json'));
    const [source] = createSources(configs, { seed: 1, slowmo: 1 });
    assert.deepEqual(source!.expected, { bytes: 8 });
  });
});

describe('common fields', () => {
  it('timeout and cpuCost apply to every kind', async () => {
    const common = { timeout: '2s', cpuCost: '30ms' };
    const dir = writeFiles(tempDir(), {
      'a.json': [
        { name: 's', kind: 'simulated', ...common },
        { name: 'f', kind: 'file', path: 'x.ndjson', ...common },
        { name: 'd', kind: 'database', ...common },
        { name: 'h', kind: 'http', url: 'http://127.0.0.1:1/x.ndjson', ...common },
      ],
    });
    const sources = createSources((await loadSources(dir)).configs, { seed: 1, slowmo: 1 });
    assert.deepEqual(
      sources.map((s) => [s.kind, s.timeoutMs, s.cpuCostMs]),
      [
        ['simulated', 2000, 30],
        ['file', 2000, 30],
        ['database', 2000, 30],
        ['http', 2000, 30],
      ],
    );
  });
});

describe('configuration errors name the file and the field', () => {
  it('unknown kind', async () => {
    const message = await configError({ 'x.json': { name: 'a', kind: 'ftp' } });
    assert.match(message, /x\.json: kind: unknown kind "ftp" \(expected one of simulated, file, database/);
  });

  it('missing kind, with the array index', async () => {
    const message = await configError({ 'x.json': [sim(), { name: 'b' }] });
    assert.match(message, /x\.json: \[1\]\.kind: missing/);
  });

  it('unknown field', async () => {
    const message = await configError({ 'x.json': sim({ chunkz: 3 }) });
    assert.match(message, /x\.json: chunkz: unknown field/);
  });

  it('negative and non-integer counts', async () => {
    assert.match(await configError({ 'x.json': sim({ chunks: -1 }) }), /x\.json: chunks: at least 0, got -1$/);
    assert.match(await configError({ 'x.json': sim({ count: 2.5 }) }), /x\.json: count: expected a whole number, got 2\.5$/);
  });

  it('bad duration', async () => {
    assert.match(await configError({ 'x.json': sim({ latency: 'soon' }) }), /x\.json: latency: expected a duration like 500ms, 1\.2s, 2m or 1h, got "soon"$/);
  });

  it('duplicate source names across files, including count expansion', async () => {
    const message = await configError({ 'a.json': sim({ name: 'o', count: 2 }), 'b.json': sim({ name: 'o-0002' }) });
    assert.match(message, /b\.json: name: duplicate source name "o-0002" \(also in .*a\.json\)/);
  });

  it('no sources found', async () => {
    assert.match(await configError({ 'ingest.json': { concurrency: 2 } }), /no sources found/);
  });

  it('invalid JSON gives line and column', async () => {
    const message = await configError({ 'x.json': '{\n  "name": "a",\n  "kind": "simulated",,\n}' });
    assert.match(message, /x\.json: invalid JSON at line 3, column 23/);
  });

  it('bad ingest.json field', async () => {
    assert.match(await configError({ 'ingest.json': { concurrency: 0 }, 'a.json': sim() }), /ingest\.json: concurrency: at least 1, got 0$/);
  });

  it('a lesson in ingest.json: every lecture scenario has one; a bad one names its field', async () => {
    for (const dir of ['01-gather', '02-wait-timeout', '03-async-with', '04-streaming', '05-blocking', '06-c10k']) {
      const { lesson } = (await loadSources(`fixtures/lecture/${dir}`)).defaults;
      assert.ok(lesson?.title.startsWith(dir.slice(0, 2)) && lesson.js && lesson.asyncio && lesson.takeaway, dir);
    }
    const lesson = { title: 't', js: 'Promise.all', asyncio: 'asyncio.gather', takeaway: 'x' };
    assert.match(
      await configError({ 'ingest.json': { lesson: { ...lesson, asyncio: undefined } }, 'a.json': sim() }),
      /ingest\.json: lesson\.asyncio: missing/,
    );
    assert.match(await configError({ 'ingest.json': { lesson: { ...lesson, view: 'graph' } }, 'a.json': sim() }), /ingest\.json: lesson\.view: /);
    assert.match(
      await configError({ 'ingest.json': { lesson: { ...lesson, colour: 'red' } }, 'a.json': sim() }),
      /ingest\.json: lesson\.colour: unknown field/,
    );
  });

  it('a missing --sources path', async () => {
    assert.match(await configError({}, 'nope'), /nope: no such file or directory/);
  });

  it('shows paths relative to the working directory, as the user typed them', async () => {
    const dir = writeFiles(tempDir(), { 'x.json': sim({ latency: 'x' }) });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await assert.rejects(loadSources('.'), (err: Error) => err.message.startsWith('x.json: latency:'));
    } finally {
      process.chdir(cwd);
    }
  });
});
