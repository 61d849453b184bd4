import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
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
