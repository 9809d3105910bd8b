// What the first version does, timed against its peers in one run:
// - reading the real Clay v0 sample: our reader vs hyparquet's row API on the same columns;
// - exact ranking: our kernel vs the plain "centre, then cosine" way, and vs the memory-bandwidth
//   floor (one sequential pass over the same float32 bytes).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { readEmbeddings } from '../app/lib/geoparquet/read-embeddings.ts'
import { buildRankIndex } from '../app/lib/rank.ts'
import { medianMs, mergeResults, record } from './harness.ts'
import { mulberry32 } from '../scripts/lib/prng.mjs'

const FIXTURES = process.env.CHIPFINDER_FIXTURES ?? path.resolve(import.meta.dirname, '../../shared/fixtures')
const SAMPLE = path.join(FIXTURES, 'clay-v0/03WVN_20220610_20220610_v001.gpq')

function syntheticMatrix(count: number, dims: number): Float32Array {
  const rnd = mulberry32(7)
  const data = new Float32Array(count * dims)
  for (let i = 0; i < data.length; i++) data[i] = rnd() * 2 - 1
  return data
}

/** The textbook way: materialise x − μ for every row, then cosine. */
function naiveCentredCosine(data: Float32Array, count: number, dims: number, positive: number): Float32Array {
  const mu = new Float64Array(dims)
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) mu[j]! += data[i * dims + j]! / count
  const centred = new Float32Array(data.length)
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) centred[i * dims + j] = data[i * dims + j]! - mu[j]!
  const q = centred.subarray(positive * dims, (positive + 1) * dims)
  let qn = 0
  for (let j = 0; j < dims; j++) qn += q[j]! * q[j]!
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    let dot = 0
    let n = 0
    for (let j = 0; j < dims; j++) {
      const v = centred[i * dims + j]!
      dot += v * q[j]!
      n += v * v
    }
    out[i] = dot / Math.sqrt(n * qn)
  }
  return out
}

/**
 * One sequential read of every float, with eight independent sums so the adds don't serialise:
 * the floor, in plain JS, for any exact scan of the matrix. (A WASM SIMD floor is lower; a
 * later issue measures against it.)
 */
function sequentialSum(data: Float32Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0
  const n = data.length - (data.length % 8)
  for (let i = 0; i < n; i += 8) {
    s0 += data[i]!
    s1 += data[i + 1]!
    s2 += data[i + 2]!
    s3 += data[i + 3]!
    s4 += data[i + 4]!
    s5 += data[i + 5]!
    s6 += data[i + 6]!
    s7 += data[i + 7]!
  }
  for (let i = n; i < data.length; i++) s0 += data[i]!
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
}

afterAll(() => mergeResults())

describe('read', () => {
  it('the real Clay v0 sample (417 × 768, ZSTD)', async () => {
    const bytes = readFileSync(SAMPLE)
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    const embeddingBytes = 417 * 768 * 4
    const ours = await medianMs(() => readEmbeddings(buffer, { fileName: 'sample.gpq' }), 7)
    const rowApi = await medianMs(
      () => parquetReadObjects({ file: buffer, columns: ['embeddings', 'geometry', 'source_url', 'date'], compressors }),
      7,
    )
    const mbps = (ms: number) => embeddingBytes / 1e6 / (ms / 1000)
    record({ name: 'read sample: chipfinder reader', value: mbps(ours), unit: 'MB/s', peer: 'hyparquet row API', ratio: mbps(ours) / mbps(rowApi) })
    record({ name: 'read sample: hyparquet row API', value: mbps(rowApi), unit: 'MB/s' })
  })
})

describe('rank', () => {
  it('the real sample, one positive, centred', async () => {
    const bytes = readFileSync(SAMPLE)
    const table = await readEmbeddings(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, {
      fileName: 'sample.gpq',
    })
    const index = buildRankIndex({ data: table.embeddings, count: 417, dims: 768 })
    const ms = await medianMs(() => index.rank({ positives: [200], negatives: [], mode: 'centred' }), 21, 3)
    record({ name: 'rank 417 × 768 (real sample)', value: ms, unit: 'ms' })
  })

  for (const [count, dims] of [
    [100_000, 768],
    [100_000, 1024],
  ] as const) {
    it(`${count} × ${dims} synthetic`, async () => {
      const data = syntheticMatrix(count, dims)
      const index = buildRankIndex({ data, count, dims })
      const ours = await medianMs(() => index.rank({ positives: [5], negatives: [], mode: 'centred' }), 5)
      const naive = await medianMs(() => naiveCentredCosine(data, count, dims, 5), 3)
      const floor = await medianMs(() => sequentialSum(data), 5)
      const label = `${count / 1000}k × ${dims}`
      record({ name: `rank ${label}: chipfinder (JS, with sort)`, value: ours, unit: 'ms', peer: 'centre-then-cosine JS', ratio: naive / ours })
      record({ name: `rank ${label}: centre-then-cosine JS`, value: naive, unit: 'ms' })
      record({
        name: `rank ${label}: JS sequential-read floor`,
        value: floor,
        unit: 'ms',
        note: `${((data.byteLength / 1e9) / (floor / 1000)).toFixed(1)} GB/s`,
      })
      record({ name: `rank ${label}: chipfinder vs floor`, value: ours / floor, unit: '× floor' })
    })
  }
})
