// Test-only: archive indexes built in memory, the way the builder would (codes by encodeSigns
// around the float32 mean), over data files written as real Parquet (hyparquet-writer) and served
// from memory through an OpenSource that counts its reads; and data with the structure that makes
// sign codes hard: a shared offset, a few strong directions, planted clusters, noise.

import { parquetWriteBuffer } from 'hyparquet-writer'
import type { SchemaElement } from 'hyparquet'
import { DatasetError } from '../errors.ts'
import { LoadedArchive, packIds, type CodePart } from '../archive/archive.ts'
import { codeBytes, encodeSigns } from '../archive/codes.ts'
import { INDEX_FORMAT, INDEX_VERSION, type IndexHeader } from '../archive/header.ts'
import type { OpenSource, SourceFile } from '../archive/rescore.ts'
import { gaussian, type Dense } from './rank-data.ts'

/**
 * x = offset + Σ aₖ zₖ uₖ (three strong directions, aₖ = 6, 4, 3) + the cluster's direction for
 * members (`clusters` × `size`, every `count / (clusters·size)`-th row) + unit noise.
 */
export function structuredRows(count: number, dims: number, { clusters = 8, size = 60, seed = 1 } = {}): Dense & { members: number[][] } {
  const g = gaussian(seed)
  const offset = Float64Array.from({ length: dims }, () => 3 * g())
  const strong = [6, 4, 3].map((a) => Float64Array.from({ length: dims }, () => (a * g()) / Math.sqrt(dims)))
  const dirs = Array.from({ length: clusters }, () => Float64Array.from({ length: dims }, () => 1.2 * g()))
  const members: number[][] = dirs.map(() => [])
  const every = Math.floor(count / (clusters * size))
  const data = new Float32Array(count * dims)
  for (let i = 0; i < count; i++) {
    const c = i % every === 0 && i / every < clusters * size ? (i / every) % clusters : -1
    if (c >= 0) members[c]!.push(i)
    const z = strong.map(() => g() * Math.sqrt(dims))
    for (let j = 0; j < dims; j++) {
      let v = offset[j]! + g()
      for (let k = 0; k < strong.length; k++) v += z[k]! * strong[k]![j]!
      if (c >= 0) v += dirs[c]![j]!
      data[i * dims + j] = v
    }
  }
  return { data, count, dims, members }
}

const EMBEDDINGS: SchemaElement[] = [
  { name: 'embeddings', repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
]

/** A data file of rows `first … first + count` of m: only the embedding column (all the rescoring reads). */
export function embeddingsFile(m: Dense, first: number, count: number, rowGroupSize: number): ArrayBuffer {
  const rows = Array.from({ length: count }, (_, i) => Array.from(m.data.subarray((first + i) * m.dims, (first + i + 1) * m.dims)))
  return parquetWriteBuffer({ schema: [{ name: 'schema', num_children: 1 }, ...EMBEDDINGS], columnData: [{ name: 'embeddings', data: rows }], rowGroupSize })
}

/** Files served from memory: slices count as requests, their lengths as bytes. */
export function memorySources(files: Map<string, { buffer: ArrayBuffer; etag: string | null }>): OpenSource & { opened: string[] } {
  const opened: string[] = []
  const open = async (key: string): Promise<SourceFile> => {
    opened.push(key)
    const f = files.get(key)
    if (!f) throw new DatasetError('http', key, `The server answered 404 Not Found for ${key}.`, 404)
    let requests = 1
    let bytes = 0
    return {
      byteLength: f.buffer.byteLength,
      etag: f.etag,
      requests: () => requests,
      bytesRead: () => bytes,
      async slice(start: number, end?: number) {
        requests++
        const out = f.buffer.slice(start, end)
        bytes += out.byteLength
        return out
      },
    }
  }
  return Object.assign(open, { opened })
}

export interface MemoryArchive {
  archive: LoadedArchive
  header: IndexHeader
  files: Map<string, { buffer: ArrayBuffer; etag: string | null }>
  /** The one code file's columns, as a reader would give them. */
  part: CodePart
  /** The file and row of chip i: chips are numbered as rows of m. */
  keyOf: (chip: number) => string
}

/**
 * m's rows as an index over `fileCount` data files (Parquet, `rowGroupSize` rows per group), μ
 * the float32 mean of the rows, chip i = row i, id `chip-<i>`. `write: false` writes no files
 * (a scan-only test: their sizes are then 0).
 */
export function memoryArchive(m: Dense, fileCount: number, rowGroupSize: number, options: { kernel?: 'wasm-simd' | 'js'; write?: boolean } = {}): MemoryArchive {
  const { dims, count } = m
  const sum = new Float64Array(dims)
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) sum[j]! += m.data[i * dims + j]!
  const mean = Float32Array.from(sum, (s) => s / count)
  const per = Math.ceil(count / fileCount)
  const files = new Map<string, { buffer: ArrayBuffer; etag: string | null }>()
  const sources: IndexHeader['sources'] = []
  for (let f = 0; f * per < count; f++) {
    const n = Math.min(per, count - f * per)
    const key = `tiles/file-${f}.gpq`
    const buffer = options.write === false ? new ArrayBuffer(0) : embeddingsFile(m, f * per, n, rowGroupSize)
    files.set(key, { buffer, etag: `"etag-${f}"` })
    sources.push({ key, bytes: buffer.byteLength, etag: `"etag-${f}"`, rows: n, chips: n })
  }
  const bytes = codeBytes(dims)
  const header: IndexHeader = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    createdBy: 'archive-data.ts',
    created: '2026-01-01T00:00:00.000Z',
    base: '../',
    identity: { family: 'clay-v0', modelLabel: 'Clay v0', dims, embeddingColumn: 'embeddings', sourceModel: null },
    chips: count,
    code: { kind: 'sign', bits: dims, bytes, rotation: null },
    mean,
    lists: null,
    parts: [{ path: 'codes-00000.parquet', bytes: 0, chips: count, groups: [{ list: 0, chips: count }] }],
    sources,
    skipped: [],
  }
  const codes = new Uint8Array(count * bytes)
  encodeSigns(m.data, count, dims, mean, codes)
  const archive = new LoadedArchive(header, { kernel: options.kernel })
  const part: CodePart = {
    chips: count,
    codes,
    ids: packIds(Array.from({ length: count }, (_, i) => `chip-${i}`)),
    source: Int32Array.from({ length: count }, (_, i) => Math.floor(i / per)),
    row: Int32Array.from({ length: count }, (_, i) => i % per),
    lon: Float32Array.from({ length: count }, (_, i) => i * 1e-3),
    lat: Float32Array.from({ length: count }, (_, i) => -i * 1e-3),
    date: Int32Array.from({ length: count }, (_, i) => 19000 + (i % 7)),
  }
  archive.addPart(part)
  return { archive, header, files, part, keyOf: (chip) => sources[Math.floor(chip / per)]!.key }
}

/** Every chip's float64 reference score for 'mean' (centred on the index's μ), summed the plain way. */
export function referenceMean(m: Dense, mu: Float32Array, positives: readonly Float32Array[], negatives: readonly Float32Array[] = []): Float64Array {
  const { dims } = m
  const avg = (xs: readonly Float32Array[]) => {
    const s = new Float64Array(dims)
    for (const x of xs) for (let j = 0; j < dims; j++) s[j]! += x[j]! - mu[j]!
    return s.map((v) => v / xs.length)
  }
  let q = avg(positives)
  if (negatives.length) {
    const n = avg(negatives)
    q = q.map((v, j) => 2 * v - n[j]!)
  }
  let qq = 0
  for (let j = 0; j < dims; j++) qq += q[j]! * q[j]!
  const qn = Math.sqrt(qq)
  const out = new Float64Array(m.count)
  for (let i = 0; i < m.count; i++) {
    let dot = 0
    let nn = 0
    for (let j = 0; j < dims; j++) {
      const v = m.data[i * dims + j]! - mu[j]!
      dot += v * q[j]!
      nn += v * v
    }
    out[i] = nn === 0 ? 0 : dot / (Math.sqrt(nn) * qn)
  }
  return out
}
