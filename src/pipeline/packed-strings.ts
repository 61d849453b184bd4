/**
 * Many strings as one string and their lengths, to cross to a worker thread and back: a structured
 * clone copies one string and one typed array much faster than 500 strings (--offload shipped a
 * 110 MB file's chunks in ~0.3 s of main-thread time as arrays, ~0.05 s packed).
 */
export interface PackedStrings {
  text: string;
  lengths: Uint32Array;
}

export function packStrings(strings: readonly string[]): PackedStrings {
  const lengths = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
  return { text: strings.join(''), lengths };
}

export function unpackStrings({ text, lengths }: PackedStrings): string[] {
  const strings = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    strings[i] = text.slice(at, at + lengths[i]!);
    at += lengths[i]!;
  }
  return strings;
}

/** Whether every item is a string: only then is a list packed. */
export function allStrings(items: readonly unknown[]): items is string[] {
  for (let i = 0; i < items.length; i++) if (typeof items[i] !== 'string') return false;
  return true;
}
