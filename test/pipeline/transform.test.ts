import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transformRecords } from '../../src/pipeline/transform.js';
import { UnreadableRecord } from '../../src/sources/unreadable.js';

describe('transform: records a source could not read', () => {
  const records = ['{"a":1}', new UnreadableRecord('not valid UTF-8', '{\\xff}'), { reason: 'a field', excerpt: 'of a real record' }];

  it('an UnreadableRecord is dead-lettered with its reason and excerpt; a record that looks like one is not', () => {
    const { lines, bad } = transformRecords({ source: 's', seq: 0, records });
    assert.deepEqual(bad, [{ index: 1, reason: 'not valid UTF-8', excerpt: '{\\xff}' }]);
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { _ingest: { index: number } })._ingest.index),
      [0, 2],
    );
  });

  it('the same in the --offload pool, where a structured clone keeps no class', async () => {
    const { createOffloadPool } = await import('../../src/pipeline/offload/pool.js');
    const pool = createOffloadPool(1);
    try {
      assert.deepEqual(await pool.transform({ source: 's', seq: 0, records }), transformRecords({ source: 's', seq: 0, records }));
    } finally {
      await pool.close();
    }
  });
});
