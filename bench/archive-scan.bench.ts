// The archive index's candidate scan at the size of the whole Clay v0 set: 1.2 M chips × 96-byte
// sign codes (115 MB), Hamming distance of one query code to every chip and the 2,000 nearest
// from the distances' histogram (app/lib/archive/scan.ts), on the SIMD kernel and on the
// JavaScript fallback; then the asymmetric re-rank of those candidates. Random codes: the scan's
// speed doesn't depend on their values. Median of 15 runs after 3 warm-ups, one thread.
//
//   npx vitest run --config vitest.bench.config.ts bench/archive-scan.bench.ts
import { afterAll, describe, it } from 'vitest'
import { mulberry32 } from '../scripts/lib/prng.mjs'
import { CodeScanner, signDots } from '../app/lib/archive/scan.ts'
import { mergeResults, record, timeMs } from './harness.ts'

const CHIPS = 1_200_000
const BYTES = 96
const CANDIDATES = 2000

function filled(kernel: 'wasm-simd' | 'js'): CodeScanner {
  const scanner = new CodeScanner(BYTES, CHIPS, { kernel })
  const rand = mulberry32(11)
  const chunk = new Uint8Array(100_000 * BYTES)
  for (let done = 0; done < CHIPS; done += 100_000) {
    const words = new Uint32Array(chunk.buffer)
    for (let i = 0; i < words.length; i++) words[i] = (rand() * 2 ** 32) >>> 0
    scanner.append(chunk, 100_000)
  }
  return scanner
}

afterAll(() => mergeResults())

describe('archive scan', () => {
  for (const kernel of ['wasm-simd', 'js'] as const) {
    it(`1.2M × 96 B, ${kernel}: Hamming scan + ${CANDIDATES} nearest`, async () => {
      const scanner = filled(kernel)
      const query = scanner.code(12345).slice()
      const { median, min } = await timeMs(() => scanner.nearest(query, CANDIDATES), 15, 3)
      record({ name: `archive scan 1.2M × 96 B (${kernel}): scan + select ${CANDIDATES}`, value: median, unit: 'ms', note: `fastest ${min.toFixed(1)} ms` })
      if (kernel === 'wasm-simd') {
        const q = Float64Array.from({ length: 768 }, (_, j) => Math.sin(j))
        const cands = scanner.nearest(query, CANDIDATES)
        const rerank = await timeMs(() => signDots(scanner, cands, q), 15, 3)
        record({ name: `archive re-rank of ${CANDIDATES} candidates (q · signs)`, value: rerank.median, unit: 'ms' })
      }
    })
  }
})
