// zod re-exports its 64 message locales as z.locales; ingest-tui speaks English only (zod's
// default, which zod loads itself) and never names z.locales. Bundled, they were 60% of the zod
// chunk that every run loads: this stands in for their index with the English one alone.
export { default as en } from 'zod/v4/locales/en.js';
