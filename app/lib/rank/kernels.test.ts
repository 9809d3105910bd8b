// Every kernel against a float64 (or integer) reference, through the row store that calls it, for
// the WebAssembly kernels and the JavaScript fallback; and the committed module against its .wat.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { assembleKernels } from '../../../scripts/build-kernels.mjs'
import { readEmbeddings } from '../geoparquet/read-embeddings.ts'
import { createRowStore, type RowStore } from './store.ts'
import { plantedClusters, meanOf, gaussian, type Dense } from '../testing/rank-data.ts'
import { kernelBytes } from './wasm.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const fixturesDir = process.env.CHIPFINDER_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures')
const SAMPLE = path.join(fixturesDir, 'clay-v0', '03WVN_20220610_20220610_v001.gpq')

let sample: Dense
beforeAll(async () => {
  const bytes = readFileSync(SAMPLE)
  const table = await readEmbeddings(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { fileName: 'sample.gpq' })
  sample = { data: table.embeddings, count: 417, dims: 768 }
})

it('kernels-wasm.ts holds kernels.wat as assembled now (else run node scripts/build-kernels.mjs)', async () => {
  expect(Buffer.from(kernelBytes()).equals(Buffer.from(await assembleKernels()))).toBe(true)
})

/** A store over m in segments of at most `part` rows, with both inverse-norm arrays set. */
function storeOf(m: Dense, kernel: 'wasm-simd' | 'js', part = 150): { store: RowStore; mu: Float64Array; raw: Float64Array; cen: Float64Array } {
  const store = createRowStore(m.dims, { kernel, blockBytes: 200 * m.dims * 4 + 1 })
  for (let from = 0; from < m.count; from += part) {
    const n = Math.min(part, m.count - from)
    store.append(n, (rows, stride, first) => {
      for (let i = 0; i < rows.length / stride; i++) rows.set(m.data.subarray((from + first + i) * m.dims, (from + first + i + 1) * m.dims), i * stride)
    })
  }
  const mu = meanOf(m)
  const norms = (center: Float64Array | null) => {
    const out = new Float64Array(m.count)
    for (let i = 0; i < m.count; i++) {
      let s = 0
      for (let j = 0; j < m.dims; j++) s += (m.data[i * m.dims + j]! - (center ? center[j]! : 0)) ** 2
      out[i] = Math.sqrt(s)
    }
    return out
  }
  const raw = norms(null)
  const cen = norms(mu)
  store.segments.forEach((s, k) => {
    store.setInv(k, 'raw', Float32Array.from(raw.subarray(s.offset, s.offset + s.count), (v) => (v ? 1 / v : 0)))
    store.setInv(k, 'centred', Float32Array.from(cen.subarray(s.offset, s.offset + s.count), (v) => (v ? 1 / v : 0)))
  })
  return { store, mu, raw, cen }
}

/** A unit query in float64 and as the kernels take it. */
function query(dims: number, stride: number, seed: number, mu: Float64Array | null) {
  const g = gaussian(seed)
  const q = Float64Array.from({ length: dims }, g)
  const n = Math.hypot(...q)
  const q32 = new Float32Array(stride)
  for (let j = 0; j < dims; j++) q32[j] = q[j]! / n
  let c = 0
  if (mu) for (let j = 0; j < dims; j++) c += q32[j]! * mu[j]!
  return { q: q.map((v) => v / n), q32, c: Math.fround(c) }
}

const norms = new WeakMap<Float64Array, number>()
function normOf(v: Float64Array): number {
  let n = norms.get(v)
  if (n === undefined) norms.set(v, (n = Math.hypot(...v)))
  return n
}

/** The real cosine in float64, and the bound's r factor. */
function truth(m: Dense, i: number, q: Float64Array, mu: Float64Array | null, raw: Float64Array, cen: Float64Array) {
  let dot = 0
  for (let j = 0; j < m.dims; j++) dot += (m.data[i * m.dims + j]! - (mu ? mu[j]! : 0)) * q[j]!
  const len = mu ? cen[i]! : raw[i]!
  const muNorm = mu ? normOf(mu) : 0
  return { S: len === 0 ? 0 : dot / len, r: len === 0 ? 0 : (raw[i]! + muNorm) / len }
}

const planted = plantedClusters(700, 200, { clusters: 3, size: 60, seed: 5 })

describe.each(['wasm-simd', 'js'] as const)('%s', (kernel) => {
  it('scan, scanRows and scanMax stay within their error bound, on random and real rows', () => {
    for (const m of [planted, sample]) {
      const { store, mu, raw, cen } = storeOf(m, kernel)
      for (const mode of ['centred', 'raw'] as const) {
        const center = mode === 'centred' ? mu : null
        const { q, q32, c } = query(m.dims, store.stride, 9, center)
        const t = new Float32Array(m.count)
        store.scan(q32, c, mode, t)
        let worst = 0
        let over = 0
        for (let i = 0; i < m.count; i++) {
          const { S, r } = truth(m, i, q, center, raw, cen)
          const bound = store.bound.gamma * (mode === 'raw' ? 1 : r) + store.bound.beta
          over = Math.max(over, Math.abs(t[i]! - S) / bound)
          worst = Math.max(worst, Math.abs(t[i]! - S))
        }
        expect(over).toBeLessThanOrEqual(1)
        expect(worst).toBeLessThan(2e-6)
        const rows = Uint32Array.from([0, 1, 2, 149, 150, 151, 399, m.count - 1])
        const some = new Float32Array(rows.length)
        store.scanRows(rows, q32, c, mode, some)
        expect(Array.from(some)).toEqual(Array.from(rows, (i) => t[i]))

        // Two positives and a negative, padded to four queries.
        const qs = [query(m.dims, store.stride, 1, center), query(m.dims, store.stride, 2, center), query(m.dims, store.stride, 3, center)]
        const all = new Float32Array(4 * store.stride)
        qs.forEach((x, k) => all.set(x.q32, k * store.stride))
        const mx = new Float32Array(m.count)
        store.scanMax(all, 4, 2, 3, Float32Array.from([...qs.map((x) => x.c), 0]), mode, mx)
        let overMax = 0
        for (let i = 0; i < m.count; i++) {
          const [a, b, n] = qs.map((x) => truth(m, i, x.q, center, raw, cen))
          const S = (2 * Math.max(a!.S, b!.S) - n!.S) / 3
          const bound = store.bound.gamma * (mode === 'raw' ? 1 : a!.r) + store.bound.beta + 8 * 2 ** -24
          overMax = Math.max(overMax, Math.abs(mx[i]! - S) / bound)
        }
        expect(overMax).toBeLessThanOrEqual(1)
      }
    }
  })

  it('column sums are a sequential float64 sum; norms agree with float64', () => {
    const { store, mu, cen } = storeOf(sample, kernel, 100)
    const sums = new Float64Array(sample.dims)
    store.segments.forEach((_, k) => store.colSums(k, sums))
    expect(Array.from(sums.map((v) => v / sample.count))).toEqual(Array.from(mu))
    store.segments.forEach((s, k) => {
      const n2 = store.norms2(k, mu)
      for (let i = 0; i < s.count; i++) expect(Math.sqrt(n2[i]!)).toBeCloseTo(cen[s.offset + i]!, 12)
    })
  })
})

describe('compact kernels (WebAssembly)', () => {
  it('int8: every row within its quantisation bound', () => {
    for (const m of [planted, sample]) {
      const { store, mu, raw, cen } = storeOf(m, 'wasm-simd')
      store.ensureInt8()
      for (const mode of ['centred', 'raw'] as const) {
        const center = mode === 'centred' ? mu : null
        const { q, q32, c } = query(m.dims, store.stride, 4, center)
        const t = new Float32Array(m.count)
        const qerr = new Float32Array(m.count)
        store.scanInt8(q32, c, mode, t, qerr)
        let used = 0
        for (let i = 0; i < m.count; i++) {
          const { S, r } = truth(m, i, q, center, raw, cen)
          const bound = qerr[i]! + store.bound.gamma * (mode === 'raw' ? 1 : r) + store.bound.beta
          used = Math.max(used, Math.abs(t[i]! - S) / bound)
        }
        expect(used).toBeLessThanOrEqual(1)
        // The bound is worst-case, not absurd.
        expect(used).toBeGreaterThan(0.01)
      }
    }
  })

  it('binary: Hamming distances between sign bits, as counted one bit at a time; the nearest rows by a histogram', () => {
    for (const m of [planted, sample]) {
      const { store, mu } = storeOf(m, 'wasm-simd')
      const mu32 = new Float32Array(store.stride)
      mu32.set(mu)
      store.ensureBinary(mu32, 1)
      const { q32 } = query(m.dims, store.stride, 8, mu)
      const words = new Uint32Array(store.stride / 32)
      for (let j = 0; j < m.dims; j++) if (q32[j]! > 0) words[j >>> 5]! |= 1 << (j & 31)
      const lut = Float32Array.from({ length: store.stride + 1 }, (_, h) => h)
      const t = new Float32Array(m.count)
      const nearest = store.scanBinary(words, lut, t, 50)
      const want: number[] = []
      for (let i = 0; i < m.count; i++) {
        let h = 0
        for (let j = 0; j < m.dims; j++) if (m.data[i * m.dims + j]! > mu32[j]! !== q32[j]! > 0) h++
        want.push(h)
      }
      expect(Array.from(t)).toEqual(want)
      const order = Array.from(want.keys()).sort((a, b) => want[a]! - want[b]! || a - b)
      expect(Array.from(nearest)).toEqual(order.slice(0, 50).sort((a, b) => a - b))
    }
  })

  it('the floor reads every byte (it returns their 32-bit sum)', () => {
    const { store } = storeOf(planted, 'wasm-simd')
    let want = 0
    const u32 = new Uint32Array(Float32Array.from({ length: planted.count * store.stride }, (_, k) => {
      const i = Math.floor(k / store.stride)
      const j = k % store.stride
      return j < planted.dims ? planted.data[i * planted.dims + j]! : 0
    }).buffer)
    for (const w of u32) want = (want + w) | 0
    expect(store.readFloor() | 0).toBe(want)
  })
})
