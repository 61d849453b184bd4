import type { z } from 'zod';
import { database } from './database.js';
import { file } from './file.js';
import { http } from './http.js';
import { simulated } from './simulated.js';
import type { Source, SourceEnv, SourceKind } from './source.js';

/** Every kind a source file may name, by that name. A new kind is one file plus one line here. */
const kinds = { simulated, file, database, http };

export type KindName = keyof typeof kinds;
type SchemaOf<K extends KindName> = (typeof kinds)[K]['schema'];
/** A source file's entry once its kind's schema has checked it: one kind's config, told apart by `kind`. */
export type SourceFileConfig = { [K in KindName]: z.output<SchemaOf<K>> }[KindName];

// Each kind as the SourceKind of its own schema, under its own name (a kind filed under another
// name does not compile): indexed by a name K, TypeScript sees a `create` that takes exactly
// K's config, which is what lets createSource dispatch without a cast.
const byName: { [K in KindName]: SourceKind<SchemaOf<K>> & { kind: K } } = kinds;

export const sourceKinds: ReadonlyMap<string, (typeof kinds)[KindName]> = new Map(Object.values(kinds).map((kind) => [kind.kind, kind]));

/** A source from a checked entry, made by the kind the entry names. */
export function createSource(config: SourceFileConfig, env: SourceEnv): Source {
  return createOfKind(config.kind, config, env);
}

function createOfKind<K extends KindName>(kind: K, config: z.output<SchemaOf<K>>, env: SourceEnv): Source {
  return byName[kind].create(config, env);
}
