import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSources } from '../../src/pipeline/config.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

async function configError(source: Record<string, unknown>): Promise<string> {
  const dir = writeFiles(tempDir(), { 'api.json': { name: 'api', kind: 'http', ...source } });
  const error = await loadSources(dir).then(
    () => undefined,
    (err: Error) => err,
  );
  assert.equal((error as { code?: string } | undefined)?.code, 'E_CONFIG', 'a configuration error');
  return error!.message;
}

describe('http source files', () => {
  it('name the field that is wrong', async () => {
    assert.match(await configError({ url: 'ftp://example.com/x' }), /api\.json: url: must be an http\(s\) URL, or a path like "\/orders\.ndjson"/);
    assert.match(await configError({ url: 'http://x/', format: 'xml' }), /api\.json: format: /);
    assert.match(await configError({ url: 'http://x/', format: 'json-pages', chunkRecords: 10 }), /api\.json: chunkRecords: applies to format "ndjson" only/);
    assert.match(await configError({ url: 'http://x/', maxBytes: 'lots' }), /api\.json: maxBytes: "lots" is not a size/);
    assert.match(
      await configError({ url: 'http://x/', idleTimeout: '5' }),
      /api\.json: idleTimeout: expected a duration like 500ms, 1\.2s, 2m or 1h, got "5"$/,
    );
    assert.match(await configError({ url: 'http://x/', retries: -1 }), /api\.json: retries: /);
    assert.match(await configError({ url: 'http://x/', header: {} }), /api\.json: header: unknown field/);
  });

  it('accept the documented defaults', async () => {
    const dir = writeFiles(tempDir(), { 'api.json': { name: 'api', kind: 'http', url: 'http://127.0.0.1:8787/orders.ndjson', maxBytes: '10mb' } });
    const { configs } = await loadSources(dir);
    assert.deepEqual(configs[0]!.config, {
      name: 'api',
      kind: 'http',
      url: 'http://127.0.0.1:8787/orders.ndjson',
      format: 'ndjson',
      connectTimeout: 5000,
      responseTimeout: 10_000,
      idleTimeout: 10_000,
      retries: 2,
      retryDelay: 250,
      maxRetryDelay: 10_000,
      maxBytes: 10_000_000,
      headers: {},
    });
  });
});
