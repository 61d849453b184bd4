const CURRENCIES = ['EUR', 'USD', 'GBP'];
const START = Date.UTC(2024, 0, 1) / 1000;

/** Order number `id` as one NDJSON line: the same id always gives the same line. */
export function orderLine(id: number): string {
  const customer = String((id * 7919) % 5000).padStart(4, '0');
  const amount = ((id * 104729) % 100_000) / 100;
  return `{"id":${id},"customer":"c-${customer}","amount":${amount},"currency":"${CURRENCIES[id % 3]}","ts":${START + id * 7}}`;
}

/** `count` orders, or as many as fit in `size` bytes (newlines included) when that is given. */
export function* orders(count: number, size?: number): Generator<string> {
  let bytes = 0;
  for (let id = 1; size === undefined ? id <= count : bytes < size; id++) {
    const line = orderLine(id);
    bytes += line.length + 1;
    yield line;
  }
}
