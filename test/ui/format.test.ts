import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { bytes, count, fit } from '../../src/ui/format.js';

describe('format', () => {
  it('count groups thousands as en-US does, for any safe integer or fraction', () => {
    const reference = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1e15, max: 1e15 }), fc.double({ min: -1e12, max: 1e12, noNaN: true })), (n) => {
        assert.equal(count(n), reference.format(Math.round(n)).replace(/^-0$/, '0'), String(n));
      }),
    );
    assert.equal(count(0), '0');
    assert.equal(count(999), '999');
    assert.equal(count(1000), '1,000');
    assert.equal(count(1234567.6), '1,234,568');
    assert.equal(count(-12345), '-12,345');
  });

  it('bytes has three significant digits', () => {
    assert.equal(bytes(0), '0 B');
    assert.equal(bytes(88_200), '88.2 kB');
    assert.equal(bytes(921_300), '921 kB');
    assert.equal(bytes(173_200_000), '173 MB');
  });

  it('fit pads and cuts by terminal cells: wide, accented and emoji names keep the columns after them in place', () => {
    for (const text of ['orders', '注文', '日本語の注文データ', 'cafe\u0301', 'données-de-test', '👍-feed', '👩\u200d💻x', 'x'.repeat(30)]) {
      for (const width of [1, 4, 5, 8, 12]) {
        for (const align of ['left', 'right'] as const) {
          const cell = fit(text, width, align);
          assert.equal(stringWidth(cell), width, `${JSON.stringify(text)} in ${width} (${align}): ${JSON.stringify(cell)}`);
        }
      }
    }
    assert.equal(fit('注文', 6), '注文  ');
    assert.equal(fit('日本語の注文', 7), '日本語…');
    assert.equal(fit('cafe\u0301s', 4), 'caf…');
    assert.equal(fit('orders', 4, 'right'), 'ord…');
  });
});
