// The files decode.bench.ts reads, and the fresh process that decodes one of them.
//
// Files: written once into bench/.cache/ (git-ignored) by parquet-wasm (parquet-rs) from Arrow
// tables and reused after; a name carries a version, so changing a generator makes new files.
// - clay-v0-like: 100 k × 768 list<float>, ZSTD, dictionary with PLAIN fallback, data page v1,
//   one row group, plus index / source_url / date / geometry columns: laid out like the real
//   Clay v0 files (pyarrow 14 writes the same page kinds; see flat-decode.test.ts).
// - naip-like: 100 k × 1024 list<float> + WKB geometry, snappy, like Clay v1.5 NAIP.
//
// Measuring: `node --expose-gc --import <ts loader> bench/make-bench-files.ts measure '<json>'`
// decodes one file with one decoder in a process of its own, so its peak resident memory
// (getrusage maxRSS) belongs to that decode alone, then times further runs and prints one JSON
// line. decode.bench.ts spawns it; the loader (written into bench/.cache/ by writeTsLoader) only
// strips TypeScript types, because Node 20 can't run .ts files itself.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import * as arrow from 'apache-arrow'
import { mulberry32 } from '../scripts/lib/prng.mjs'
import { medianMs } from './harness.ts'

export const CACHE_DIR = path.resolve(import.meta.dirname, '.cache')
const FIXTURES = process.env.CHIPFINDER_FIXTURES ?? path.resolve(import.meta.dirname, '../../shared/fixtures')

export interface BenchFile {
  /** Short label used in record names. */
  label: string
  path: string
  column: string
  rows: number
  dims: number
  description: string
}

export const SAMPLE: BenchFile = {
  label: 'real Clay v0 sample',
  path: path.join(FIXTURES, 'clay-v0/03WVN_20220610_20220610_v001.gpq'),
  column: 'embeddings',
  rows: 417,
  dims: 768,
  description: '417 × 768, ZSTD, dictionary + PLAIN fallback (pyarrow 14)',
}

export const CLAY_V0_LIKE: BenchFile = {
  label: '100k × 768 ZSTD (Clay v0 layout)',
  path: path.join(CACHE_DIR, 'clay-v0-like-100k-768-zstd-v1.parquet'),
  column: 'embeddings',
  rows: 100_000,
  dims: 768,
  description: '100 k × 768 list<float>, ZSTD, dictionary + PLAIN fallback, page v1, + index/source_url/date/geometry',
}

export const NAIP_LIKE: BenchFile = {
  label: '100k × 1024 snappy (Clay v1.5 NAIP layout)',
  path: path.join(CACHE_DIR, 'naip-like-100k-1024-snappy-v1.parquet'),
  column: 'embeddings',
  rows: 100_000,
  dims: 1024,
  description: '100 k × 1024 list<float>, snappy, dictionary + PLAIN fallback, + geometry',
}

/** Model-like vectors: a shared mean plus per-chip noise, full float32 mantissas. */
function embeddingValues(rows: number, dims: number, seed: number): Float32Array {
  const rnd = mulberry32(seed)
  const mean = new Float32Array(dims)
  for (let j = 0; j < dims; j++) mean[j] = (rnd() - 0.5) * 0.4
  const values = new Float32Array(rows * dims)
  for (let i = 0, k = 0; i < rows; i++) {
    for (let j = 0; j < dims; j++, k++) values[k] = (mean[j] as number) + (rnd() + rnd() + rnd() - 1.5) * 0.05
  }
  return values
}

function embeddingVector(rows: number, dims: number, seed: number): arrow.Vector {
  const child = arrow.makeData({ type: new arrow.Float32(), length: rows * dims, data: embeddingValues(rows, dims, seed) })
  const valueOffsets = new Int32Array(rows + 1)
  for (let i = 0; i <= rows; i++) valueOffsets[i] = i * dims
  const type = new arrow.List(new arrow.Field('element', new arrow.Float32(), true))
  return arrow.makeVector(arrow.makeData({ type, length: rows, valueOffsets, child }))
}

/** WKB polygons: one slightly rotated 5-vertex ring per row, like a reprojected UTM chip. */
function geometryVector(rows: number): arrow.Vector {
  const size = 1 + 4 + 4 + 4 + 5 * 16
  const bytes = new Uint8Array(rows * size)
  const view = new DataView(bytes.buffer)
  const valueOffsets = new Int32Array(rows + 1)
  for (let i = 0; i < rows; i++) {
    const at = i * size
    valueOffsets[i] = at
    view.setUint8(at, 1)
    view.setUint32(at + 1, 3, true)
    view.setUint32(at + 5, 1, true)
    view.setUint32(at + 9, 5, true)
    const x = -165 + (i % 300) * 0.05
    const y = 65 + Math.floor(i / 300) * 0.05
    const ring = [x, y, x + 0.1, y + 0.002, x + 0.098, y + 0.048, x - 0.002, y + 0.046, x, y]
    ring.forEach((c, k) => view.setFloat64(at + 13 + k * 8, c, true))
  }
  valueOffsets[rows] = rows * size
  return arrow.makeVector(arrow.makeData({ type: new arrow.Binary(), length: rows, valueOffsets, data: bytes }))
}

async function writeParquetFile(file: string, table: arrow.Table, codec: 'ZSTD' | 'SNAPPY', kv?: Map<string, string>): Promise<void> {
  const pw = await import('parquet-wasm')
  let props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression[codec]).setCreatedBy('chipfinder bench (parquet-wasm)')
  if (kv) props = props.setKeyValueMetadata(kv)
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props.build())
  mkdirSync(path.dirname(file), { recursive: true })
  // Write then rename, so an interrupted run never leaves a half file to be reused.
  writeFileSync(`${file}.tmp`, bytes)
  renameSync(`${file}.tmp`, file)
}

async function makeClayV0Like(f: BenchFile): Promise<void> {
  const n = f.rows
  const index = arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i)))
  const urls = Array.from({ length: n }, (_, i) => {
    const tile = `0${(i / 441) | 0}`.slice(-2) + 'WVN'
    const chip = `000${(i % 441) + 1}`.slice(-4)
    return `s3://clay-tiles-02/02/${tile}/2022-06-10/claytile_${tile}_20220610_v02_${chip}.tif`
  })
  const days = Int32Array.from({ length: n }, () => 19153)
  const table = new arrow.Table({
    index,
    source_url: arrow.vectorFromArray(urls, new arrow.Utf8()),
    date: arrow.makeVector(arrow.makeData({ type: new arrow.DateDay(), length: n, data: days })),
    embeddings: embeddingVector(n, f.dims, 768),
    geometry: geometryVector(n),
  })
  await writeParquetFile(f.path, table, 'ZSTD')
}

async function makeNaipLike(f: BenchFile): Promise<void> {
  const table = new arrow.Table({ embeddings: embeddingVector(f.rows, f.dims, 1024), geometry: geometryVector(f.rows) })
  const kv = new Map([
    ['date', '2022-07-14'],
    ['gsd', '0.6'],
    ['uri', 's3://naip-analytic/ca/2022/60cm/rgbir_cog/m_3411801_ne_11_060_20220714.tif'],
  ])
  await writeParquetFile(f.path, table, 'SNAPPY', kv)
}

/** Makes the synthetic files that are missing; returns every bench file (the sample first). */
export async function ensureBenchFiles(): Promise<BenchFile[]> {
  if (!existsSync(CLAY_V0_LIKE.path)) await makeClayV0Like(CLAY_V0_LIKE)
  if (!existsSync(NAIP_LIKE.path)) await makeNaipLike(NAIP_LIKE)
  return [SAMPLE, CLAY_V0_LIKE, NAIP_LIKE]
}

// ---------------------------------------------------------------------------------------------
// Running one decoder in a fresh process

/** Writes the type-stripping loader the measuring processes are started with; returns its --import path. */
export function writeTsLoader(): string {
  mkdirSync(CACHE_DIR, { recursive: true })
  const loader = path.join(CACHE_DIR, 'ts-loader.mjs')
  const register = path.join(CACHE_DIR, 'ts-register.mjs')
  writeFileSync(
    loader,
    `// Generated by bench/make-bench-files.ts: strips TypeScript types so Node 20 can run .ts files.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  const fileName = fileURLToPath(url)
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
  })
  return { format: 'module', source: outputText, shortCircuit: true }
}
`,
  )
  writeFileSync(register, `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(loader).href)})\n`)
  return register
}

export type DecoderName = 'flat' | 'flat-async' | 'flat-async-32mb' | 'hyparquet-rows' | 'parquet-wasm' | 'loaders.gl-arrow' | 'loaders.gl-js'

export interface MeasureRequest {
  decoder: DecoderName
  file: string
  column: string
  /** Timed runs after the first (measured-for-memory) one. */
  runs: number
}

export interface MeasureResult {
  decoder: DecoderName
  /** Wall time of the first, cold run. */
  firstMs: number
  /** Median of `runs` further runs (the first run's time when runs is 0). */
  medianMs: number
  /** Peak resident memory during the first run, above the resident memory just before it. */
  peakBytes: number
  /** Float32 values decoded and a hash of their bits, to check every decoder read the same thing. */
  values: number
  hash: number
  error?: string
}

function hashFloats(values: Float32Array): number {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length)
  let h = 0x811c9dc5
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ (words[i] as number), 16777619)
  return h >>> 0
}

/** Concatenates the float values of an Arrow list / fixed-size-list column into one array. */
function arrowColumnValues(column: arrow.Vector): Float32Array {
  const parts: Float32Array[] = []
  let total = 0
  for (const data of column.data) {
    const child = data.children[0] as arrow.Data
    let start: number
    let end: number
    if (data.valueOffsets) {
      start = data.valueOffsets[data.offset] as number
      end = data.valueOffsets[data.offset + data.length] as number
    } else {
      const size = (data.type as arrow.FixedSizeList).listSize
      start = data.offset * size
      end = start + data.length * size
    }
    const values = child.values as Float32Array | Float64Array
    const part = values instanceof Float32Array ? values.subarray(child.offset + start, child.offset + end) : Float32Array.from(values.subarray(child.offset + start, child.offset + end))
    parts.push(part)
    total += part.length
  }
  const out = new Float32Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

type Decode = (file: ArrayBuffer, column: string) => Promise<Float32Array>

async function decoderFor(name: DecoderName): Promise<Decode> {
  const require = createRequire(import.meta.url)
  switch (name) {
    case 'flat': {
      const { parquetMetadata } = await import('hyparquet')
      const { decodeEmbeddingColumn } = await import('../app/lib/geoparquet/flat-decode.ts')
      return async (file, column) => (await decodeEmbeddingColumn(file, parquetMetadata(file), column)).values
    }
    case 'flat-async':
    case 'flat-async-32mb': {
      // As if over HTTP: every slice is a fresh copy, like a fetched range.
      const { parquetMetadata } = await import('hyparquet')
      const { decodeEmbeddingColumn } = await import('../app/lib/geoparquet/flat-decode.ts')
      const maxSliceBytes = name === 'flat-async-32mb' ? 32 << 20 : undefined
      return async (file, column) => {
        const asyncFile = { byteLength: file.byteLength, slice: (start: number, end?: number) => file.slice(start, end) }
        return (await decodeEmbeddingColumn(asyncFile, parquetMetadata(file), column, { maxSliceBytes })).values
      }
    }
    case 'hyparquet-rows': {
      const { parquetReadObjects } = await import('hyparquet')
      const { compressors } = await import('hyparquet-compressors')
      const { rawEmbeddingsFromRows } = await import('../app/lib/geoparquet/raw-embeddings.ts')
      return async (file, column) => {
        const rows = await parquetReadObjects({ file, columns: [column], compressors })
        return rawEmbeddingsFromRows(rows.map((r) => r[column])).values
      }
    }
    case 'parquet-wasm': {
      const pw = await import('parquet-wasm')
      return (file, column) => {
        const table = arrow.tableFromIPC(pw.readParquet(new Uint8Array(file), { columns: [column] }).intoIPCStream())
        return Promise.resolve(arrowColumnValues(table.getChild(column) as arrow.Vector))
      }
    }
    case 'loaders.gl-arrow': {
      // Its ESM build doesn't load in Node (an extensionless import), so the CommonJS one.
      const { parse } = require('@loaders.gl/core') as typeof import('@loaders.gl/core')
      const { ParquetArrowLoader } = require('@loaders.gl/parquet') as typeof import('@loaders.gl/parquet')
      return async (file, column) => {
        const result = (await parse(file, ParquetArrowLoader, { parquet: { columns: [column] } })) as { data: arrow.Table }
        return arrowColumnValues(result.data.getChild(column) as arrow.Vector)
      }
    }
    case 'loaders.gl-js': {
      const { parse } = require('@loaders.gl/core') as typeof import('@loaders.gl/core')
      const { ParquetJSLoader } = require('@loaders.gl/parquet') as typeof import('@loaders.gl/parquet')
      // Its ZSTD codec has to be handed in (an optional dependency of @loaders.gl/compression).
      const { ZstdCodec } = require('zstd-codec') as { ZstdCodec: unknown }
      return async (file, column) => {
        const result = (await parse(file, ParquetJSLoader, { modules: { 'zstd-codec': ZstdCodec }, parquet: { columns: [column] } } as never)) as {
          data: Record<string, { list: { element: unknown }[] } | null>[]
        }
        const rows = result.data.map((r) => r[column]?.list.map((e) => Number(e.element)) ?? null)
        const { rawEmbeddingsFromRows } = await import('../app/lib/geoparquet/raw-embeddings.ts')
        return rawEmbeddingsFromRows(rows).values
      }
    }
  }
}

/**
 * Starts measuring peak resident memory; the returned function reads the peak since. On Linux
 * the kernel's high-water mark (VmHWM) is reset to the current RSS first (clear_refs 5), because
 * getrusage's maxRSS is no use here: it carries the parent's high-water mark across fork + exec.
 * Elsewhere, process.resourceUsage().maxRSS, which is then only an upper bound.
 */
function peakMeter(): () => number {
  const vmHwm = (): number | null => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
      return m ? Number(m[1]) * 1024 : null
    } catch {
      return null
    }
  }
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    if (vmHwm() !== null) return () => vmHwm() as number
  } catch {
    // not Linux, or not allowed
  }
  return () => process.resourceUsage().maxRSS * 1024
}

async function measure(req: MeasureRequest): Promise<MeasureResult> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
  const bytes = readFileSync(req.file)
  // readFileSync gives a large file its own ArrayBuffer: use it without a copy.
  const file = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : toArrayBuffer(bytes)
  const decode = await decoderFor(req.decoder)
  // The cold run, in its own scope so its output can be collected before the timed runs.
  const cold = async (): Promise<{ firstMs: number; peakBytes: number; values: number; hash: number }> => {
    gc()
    const rssBefore = process.memoryUsage.rss()
    const peak = peakMeter()
    const t = performance.now()
    const values = await decode(file, req.column)
    const firstMs = performance.now() - t
    return { firstMs, peakBytes: peak() - rssBefore, values: values.length, hash: hashFloats(values) }
  }
  const { firstMs, peakBytes, ...result } = await cold()
  gc()
  // The cold run was the warm-up.
  const ms = req.runs > 0 ? await medianMs(() => decode(file, req.column), req.runs, 0) : firstMs
  return { decoder: req.decoder, firstMs, medianMs: ms, peakBytes, ...result }
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

if (process.argv[2] === 'measure' && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const req = JSON.parse(process.argv[3] ?? '{}') as MeasureRequest
  measure(req).then(
    (r) => console.log(`RESULT ${JSON.stringify(r)}`),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err)
      console.log(`RESULT ${JSON.stringify({ decoder: req.decoder, error: message.split('\n')[0]?.slice(0, 300) })}`)
    },
  )
}
