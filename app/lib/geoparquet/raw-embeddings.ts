// The embedding column of a file before any row is checked or dropped: what both the flat
// decoder (flat-decode.ts) and the general row path produce, so read-embeddings.ts treats them alike.

/**
 * The embedding column of every row before any row is dropped: the concatenated vectors of the
 * rows that have one, in row order, and each row's length. This is what the leaf column of a
 * list<float> holds, so a flat decoder can fill it without building per-row arrays.
 */
export interface RawEmbeddings {
  /** Values of all non-null lists, concatenated in row order. */
  values: Float32Array
  /** Per row: list length, or -1 for a null list. */
  lengths: Int32Array
  /** Per row: 1 when the list has a null element (Parquet lists may have optional elements). */
  nullElements: Uint8Array
}

/** Flattens hyparquet's per-row arrays into RawEmbeddings (the general path). */
export function rawEmbeddingsFromRows(rows: ArrayLike<unknown>): RawEmbeddings {
  const n = rows.length
  const lengths = new Int32Array(n)
  const nullElements = new Uint8Array(n)
  let total = 0
  for (let r = 0; r < n; r++) {
    const v = rows[r]
    const len = Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>).length : -1
    lengths[r] = len
    if (len > 0) total += len
  }
  const values = new Float32Array(total)
  let at = 0
  for (let r = 0; r < n; r++) {
    const len = lengths[r] as number
    if (len <= 0) continue
    const v = rows[r] as ArrayLike<unknown>
    for (let i = 0; i < len; i++) {
      const x = v[i]
      if (typeof x === 'number') {
        values[at + i] = x
      } else {
        nullElements[r] = 1
        values[at + i] = NaN
      }
    }
    at += len
  }
  return { values, lengths, nullElements }
}
