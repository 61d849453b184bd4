import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LEASE_MS, LEASE_BOUNDS, leaseMs, leaseMsFromEnv } from '../../src/fleet/lease.js';

describe('fleet lease time', () => {
  it('is 30 s unless set, and settable only within its bounds', () => {
    assert.equal(DEFAULT_LEASE_MS, 30_000);
    assert.equal(leaseMs(undefined), 30_000);
    assert.equal(leaseMs(LEASE_BOUNDS.minMs), 300);
    assert.throws(() => leaseMs(299), /the lease must be from 300 ms to 10 min, got 299 ms/);
    assert.throws(() => leaseMs(600_001), /got 600001 ms/);
    assert.throws(() => leaseMs(Number.NaN), { code: 'E_USAGE' });
  });

  it('INGEST_TUI_LEASE sets it for a process (the kill loop), as a duration', () => {
    assert.equal(leaseMsFromEnv({}), 30_000);
    assert.equal(leaseMsFromEnv({ INGEST_TUI_LEASE: '2s' }), 2000);
    assert.throws(() => leaseMsFromEnv({ INGEST_TUI_LEASE: '100ms' }), /^UsageError: INGEST_TUI_LEASE must be from 300 ms/);
    assert.throws(() => leaseMsFromEnv({ INGEST_TUI_LEASE: 'soon' }), /INGEST_TUI_LEASE: expected a duration like 500ms/);
  });
});
