// Decoding the embedding column into one Float32Array, in one run, on the same files:
// the flat decoder (app/lib/geoparquet/flat-decode.ts) vs hyparquet's row API (+ flattening),
// parquet-wasm (+ Arrow JS, + one copy into a Float32Array) and @loaders.gl/parquet.
//
// MB/s = rows × dims × 4 bytes of decoded float32 / seconds. Each decoder runs in a fresh Node
// process per file (bench/make-bench-files.ts `measure`): one cold run whose peak resident
// memory (getrusage maxRSS) above the resident memory just before it is the "peak" figure —
// the file itself is already in memory then, so the peak is what decoding adds — then the timed
// runs (harness medianMs). Slow peers get fewer runs so the whole bench stays within minutes.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { medianMs, mergeResults, record } from './harness.ts'
import {
  CLAY_V0_LIKE,
  NAIP_LIKE,
  SAMPLE,
  ensureBenchFiles,
  writeTsLoader,
  type BenchFile,
  type DecoderName,
  type MeasureRequest,
  type MeasureResult,
} from './make-bench-files.ts'

const PEER_LABELS: Record<DecoderName, string> = {
  flat: 'flat decoder',
  'flat-async': 'flat decoder, AsyncBuffer, one slice per row group',
  'flat-async-32mb': 'flat decoder, AsyncBuffer, maxSliceBytes 32 MB',
  'hyparquet-rows': 'hyparquet row API',
  'parquet-wasm': 'parquet-wasm',
  'loaders.gl-arrow': '@loaders.gl/parquet (ParquetArrowLoader)',
  'loaders.gl-js': '@loaders.gl/parquet (ParquetJSLoader)',
}

/** Timed runs after the cold one, per decoder; 0 = the cold run is the only one. */
interface Plan {
  file: BenchFile
  runs: Partial<Record<DecoderName, number>>
  /** Decoders not run, and why. */
  skipped?: Partial<Record<DecoderName, string>>
}

const JS_LOADER_SKIPPED = 'not run: about 1.7 MB/s (36 s for 20 k × 768 in a trial), so minutes per file here'

const PLANS: Plan[] = [
  { file: SAMPLE, runs: { flat: 41, 'hyparquet-rows': 9, 'parquet-wasm': 9, 'loaders.gl-arrow': 0, 'loaders.gl-js': 1 } },
  {
    file: CLAY_V0_LIKE,
    runs: { flat: 3, 'flat-async': 1, 'flat-async-32mb': 1, 'hyparquet-rows': 0, 'parquet-wasm': 1, 'loaders.gl-arrow': 0 },
    skipped: { 'loaders.gl-js': JS_LOADER_SKIPPED },
  },
  {
    file: NAIP_LIKE,
    runs: { flat: 3, 'flat-async': 1, 'flat-async-32mb': 1, 'hyparquet-rows': 0, 'parquet-wasm': 1, 'loaders.gl-arrow': 0 },
    skipped: { 'loaders.gl-js': JS_LOADER_SKIPPED },
  },
]

/** Why a peer fails, where we know. */
const KNOWN_FAILURES: Partial<Record<DecoderName, string>> = {
  'loaders.gl-arrow':
    'it reads every column whatever options.parquet.columns says, and apache-arrow 21 cannot read the Arrow IPC its bundled parquet-wasm 0.6.1 writes for string/binary columns (it reads a file of only embeddings)',
}

let register = ''

function runMeasure(req: MeasureRequest): MeasureResult {
  const script = path.resolve(import.meta.dirname, 'make-bench-files.ts')
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=16384', '--no-warnings', '--import', register, script, 'measure', JSON.stringify(req)],
    { encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20 },
  )
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '))
  if (!line) {
    const why = child.error?.message ?? (child.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${child.status}`)
    return { decoder: req.decoder, firstMs: NaN, medianMs: NaN, peakBytes: NaN, values: 0, hash: 0, error: why.slice(0, 300) }
  }
  return JSON.parse(line.slice('RESULT '.length)) as MeasureResult
}

beforeAll(async () => {
  register = writeTsLoader()
  // Generated on the first run (~30 s), reused after.
  const t = await medianMs(() => ensureBenchFiles(), 1, 0)
  if (t > 1000) console.log(`bench files generated in ${(t / 1000).toFixed(1)} s`)
}, 300_000)

afterAll(() => mergeResults())

describe('decode the embedding column into one Float32Array', () => {
  for (const plan of PLANS) {
    it(plan.file.label, () => {
      const { file } = plan
      const mb = (file.rows * file.dims * 4) / 1e6
      const results = new Map<DecoderName, MeasureResult>()
      for (const [decoder, runs] of Object.entries(plan.runs) as [DecoderName, number][]) {
        const r = runMeasure({ decoder, file: file.path, column: file.column, runs })
        results.set(decoder, r)
        console.log(`${file.label} · ${PEER_LABELS[decoder]}: ${r.error ?? `${(mb / (r.medianMs / 1000)).toFixed(1)} MB/s, peak +${(r.peakBytes / 1e6).toFixed(0)} MB`}`)
      }
      const flat = results.get('flat') as MeasureResult
      expect(flat.error).toBeUndefined()
      expect(flat.values).toBe(file.rows * file.dims)
      const flatMBps = mb / (flat.medianMs / 1000)
      const prefix = `decode ${file.label}`

      record({ name: `${prefix}: flat decoder`, value: flatMBps, unit: 'MB/s', note: `${file.description}; median of ${plan.runs.flat} runs` })
      record({
        name: `${prefix}: flat decoder peak memory`,
        value: flat.peakBytes / (file.rows * file.dims * 4),
        unit: '× Float32Array',
        note: `peak RSS − RSS before (file already in memory), fresh process; Float32Array ${mb.toFixed(1)} MB, peak +${(flat.peakBytes / 1e6).toFixed(1)} MB`,
      })
      for (const [decoder, r] of results) {
        if (decoder === 'flat') continue
        const label = PEER_LABELS[decoder]
        if (decoder === 'flat-async' || decoder === 'flat-async-32mb') {
          // Not a peer: how reading from an AsyncBuffer (a URL) changes speed and peak memory.
          expect(r.error).toBeUndefined()
          expect({ decoder, values: r.values, hash: r.hash }).toEqual({ decoder, values: flat.values, hash: flat.hash })
          record({
            name: `${prefix}: ${label} peak memory`,
            value: r.peakBytes / (file.rows * file.dims * 4),
            unit: '× Float32Array',
            note: `${(mb / (r.medianMs / 1000)).toFixed(0)} MB/s; slices are fresh copies, as fetched ranges would be`,
          })
          continue
        }
        if (r.error) {
          const why = KNOWN_FAILURES[decoder]
          record({ name: `${prefix}: ${label}`, value: NaN, unit: 'MB/s', note: `failed${why ? ` (${why})` : ''}: ${r.error}` })
          continue
        }
        // Every decoder must have read the same floats, bit for bit.
        expect({ decoder, values: r.values, hash: r.hash }).toEqual({ decoder, values: flat.values, hash: flat.hash })
        const peerMBps = mb / (r.medianMs / 1000)
        const runs = plan.runs[decoder] ? `median of ${plan.runs[decoder]} runs` : 'one cold run'
        record({ name: `${prefix}: ${label}`, value: peerMBps, unit: 'MB/s', note: `${runs}; peak +${(r.peakBytes / 1e6).toFixed(0)} MB` })
        record({ name: `${prefix}: flat decoder vs ${label}`, value: flatMBps, unit: 'MB/s', peer: label, ratio: flatMBps / peerMBps })
      }
      for (const [decoder, why] of Object.entries(plan.skipped ?? {})) {
        record({ name: `${prefix}: ${PEER_LABELS[decoder as DecoderName]}`, value: NaN, unit: 'MB/s', note: why })
      }
    }, 600_000)
  }
})
