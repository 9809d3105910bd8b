// The archive index's compact code (docs/index-format.md, "The code"): sign bits of the centred
// vector, packed little-endian, padded with zero bytes to a multiple of 16 so the SIMD Hamming
// kernel reads whole 128-bit lanes. Builder and search worker both code through here, so a
// query's code and the chips' codes can never disagree.

/** Bytes per code for vectors of `dims` values: ceil(dims / 128) × 16. */
export function codeBytes(dims: number): number {
  if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`)
  return Math.ceil(dims / 128) * 16
}

/**
 * Writes the sign code of each of `count` rows (row-major, `dims` values each, starting at
 * `rows[0]`) into `out` (count × codeBytes(dims) bytes): bit j is 1 iff rows[i][j] − mean[j] > 0.
 * The subtraction is done in float64 on the float32 values, as the spec says.
 */
export function encodeSigns(rows: Float32Array, count: number, dims: number, mean: ArrayLike<number>, out: Uint8Array): void {
  const bytes = codeBytes(dims)
  if (rows.length < count * dims) throw new RangeError(`rows holds ${rows.length} values; ${count} × ${dims} needed`)
  if (mean.length !== dims) throw new RangeError(`mean has ${mean.length} values; ${dims} needed`)
  if (out.length < count * bytes) throw new RangeError(`out holds ${out.length} bytes; ${count} × ${bytes} needed`)
  for (let i = 0; i < count; i++) {
    const r = i * dims
    const o = i * bytes
    out.fill(0, o, o + bytes)
    for (let j = 0; j < dims; j++) {
      if ((rows[r + j] as number) - (mean[j] as number) > 0) out[o + (j >> 3)] = (out[o + (j >> 3)] as number) | (1 << (j & 7))
    }
  }
}

/** The sign code of one centred vector (a query: already x − μ, in any precision). */
export function encodeCentred(centred: ArrayLike<number>, dims: number): Uint8Array {
  const out = new Uint8Array(codeBytes(dims))
  for (let j = 0; j < dims; j++) if ((centred[j] as number) > 0) out[j >> 3] = (out[j >> 3] as number) | (1 << (j & 7))
  return out
}

const POP8 = new Uint8Array(256)
for (let i = 1; i < 256; i++) POP8[i] = (i & 1) + (POP8[i >> 1] as number)

/** Hamming distance between two codes of the same length (reference implementation). */
export function hamming(a: Uint8Array, b: Uint8Array, aOffset = 0, bOffset = 0, bytes = a.length - aOffset): number {
  let d = 0
  for (let k = 0; k < bytes; k++) d += POP8[(a[aOffset + k] as number) ^ (b[bOffset + k] as number)] as number
  return d
}
