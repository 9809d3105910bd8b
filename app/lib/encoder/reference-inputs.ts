// The fixed inputs of a model's reference.json (models/test-encoder/reference.json): the cube is
// given by a formula rather than stored, so the same inputs can be rebuilt anywhere (Node tests,
// the browser self-test, the benchmark) and the outputs compared with PyTorch's.

/** reference.json as scripts/models/make-test-encoder.py writes it. */
export interface EncoderReference {
  /** [batch, bands, height, width] of the cube. */
  shape: [number, number, number, number]
  time: number[][]
  latlon: number[][]
  waves: number[]
  gsd: number[]
  /** PyTorch's output, [batch][dims]. */
  embeddings: number[][]
}

/** cube[b][c][y][x] = ((7x + 13y + 29c + 31b) mod 97) / 48.5 − 1, as reference.json says. */
export function referenceCube(shape: readonly [number, number, number, number], batch = shape[0]): Float32Array {
  const [, bands, height, width] = shape
  const cube = new Float32Array(batch * bands * height * width)
  let i = 0
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < bands; c++)
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) cube[i++] = ((7 * x + 13 * y + 29 * c + 31 * b) % 97) / 48.5 - 1
  return cube
}

/**
 * The reference inputs as feeds by input name, for `batch` chips (at most the reference's
 * batch for a comparison; more for a benchmark, the rows beyond it repeating the formula).
 */
export function referenceFeeds(ref: EncoderReference, batch = ref.shape[0]): Record<string, { data: Float32Array; dims: number[] }> {
  const [, bands, height, width] = ref.shape
  const rows = (m: number[][]) => Float32Array.from({ length: batch * 4 }, (_, i) => m[Math.floor(i / 4) % m.length]![i % 4]!)
  return {
    cube: { data: referenceCube(ref.shape, batch), dims: [batch, bands, height, width] },
    time: { data: rows(ref.time), dims: [batch, 4] },
    latlon: { data: rows(ref.latlon), dims: [batch, 4] },
    waves: { data: Float32Array.from(ref.waves), dims: [ref.waves.length] },
    gsd: { data: Float32Array.from(ref.gsd), dims: [1] },
  }
}

/** Largest absolute difference between an output ([batch, dims], row-major) and the reference's. */
export function maxAbsDiff(output: ArrayLike<number>, expected: number[][]): number {
  const flat = expected.flat()
  if (output.length !== flat.length) return Infinity
  let worst = 0
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(output[i]! - flat[i]!))
  return Number.isNaN(worst) ? Infinity : worst
}
