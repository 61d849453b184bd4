import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { generateSchemas } from '../scripts/json-schemas.js';
import { runCli } from './helpers/cli.js';
import { tempDir, writeFiles } from './helpers/temp.js';

describe('JSON Schemas of source files and ingest.json', () => {
  it('the committed schemas are what the zod schemas generate (npm run schemas), with a description on every field', () => {
    const { files, missing } = generateSchemas();
    assert.deepEqual(missing, [], 'every field described');
    for (const [name, text] of Object.entries(files))
      assert.equal(readFileSync(`schemas/${name}`, 'utf8'), text, `schemas/${name} is out of date: npm run schemas`);
    const source = JSON.parse(files['source.schema.json']!) as { anyOf: [{ anyOf: Array<{ properties: Record<string, { description?: string }> }> }] };
    const simulated = source.anyOf[0].anyOf.find((k) => 'recordsPerChunk' in k.properties)!;
    assert.match(simulated.properties.latency!.description!, /a duration/);
  });

  it('a source file or ingest.json may name its schema; the fixtures do', async () => {
    const dir = writeFiles(tempDir(), {
      'a.json': { $schema: 'https://example.invalid/source.schema.json', name: 'a', kind: 'simulated', chunks: 1, latency: '1ms' },
      'ingest.json': { $schema: '../schemas/ingest.schema.json', concurrency: 2 },
    });
    const r = await runCli(['validate', dir]);
    assert.equal(r.code, 0, r.stderr);
    const orders = JSON.parse(readFileSync('fixtures/orders.json', 'utf8')) as { $schema?: string };
    assert.equal(orders.$schema, '../schemas/source.schema.json');
  });
});

describe('the JSON Schema of --json events', () => {
  const schema = JSON.parse(readFileSync('schemas/events.schema.json', 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('every line real runs print is valid, and the runs cover most kinds of event', async () => {
    const seen = new Set<string>();
    for (const args of [
      ['--sources', 'fixtures/lecture/02-wait-timeout', '--json'],
      ['--sources', 'fixtures/lecture/05-blocking', '--json'],
      ['--sources', 'fixtures', '--json', '--sink', 'none', '--deadline', '3s'],
    ]) {
      const r = await runCli(args);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as { type: string };
        seen.add(event.type);
        assert.ok(validate(event), `${args.join(' ')}: ${line.slice(0, 300)}\n${JSON.stringify(validate.errors?.slice(0, 3))}`);
      }
    }
    for (const type of ['run-start', 'source-start', 'chunk', 'note', 'dead-letter', 'source-end', 'metrics', 'blocking', 'stopping', 'cancelling', 'summary'])
      assert.ok(seen.has(type), `no ${type} event was checked (seen: ${[...seen].join(', ')})`);
  });

  it('refuses what is not an event: an unknown type, a missing field, a field of the wrong type', () => {
    for (const bad of [
      { type: 'chunky', t: 0 },
      { type: 'source-start', t: 0 },
      { type: 'source-start', t: '0', source: 'a' },
    ]) {
      assert.equal(validate(bad), false, JSON.stringify(bad));
    }
  });
});
