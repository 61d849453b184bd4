import { database } from './database.js';
import { file } from './file.js';
import { http } from './http.js';
import { simulated } from './simulated.js';
import type { SourceKind } from './source.js';

/** Every kind a source file may name. A new kind is one file plus one line here. */
export const sourceKinds: ReadonlyMap<string, SourceKind> = new Map([simulated, file, database, http].map((kind) => [kind.kind, kind as SourceKind]));
