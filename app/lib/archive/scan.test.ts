// The candidate scan against plain references: Hamming distances from codes.ts's `hamming`, the
// nearest by a full sort (ties by chip), on the SIMD kernel and the JavaScript fallback alike;
// the asymmetric estimate against q · (±1 signs) written out.
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../scripts/lib/prng.mjs'
import { codeBytes, hamming } from './codes.ts'
import { bestByEstimate, CodeScanner, signDots } from './scan.ts'

const dims = 200 // not a multiple of 128: the codes carry zero padding
const bytes = codeBytes(dims)
const n = 3000

function randomCodes(seed: number): Uint8Array {
  const rand = mulberry32(seed)
  const out = new Uint8Array(n * bytes)
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) if (rand() < 0.5) out[i * bytes + (j >> 3)]! |= 1 << (j & 7)
  return out
}

describe('CodeScanner', () => {
  const codes = randomCodes(3)
  const query = codes.slice(17 * bytes, 18 * bytes)
  // A few exact copies of the query and many ties at every distance test the tie rule.
  for (const row of [900, 2500]) codes.set(query, row * bytes)
  const reference = (want: number) =>
    Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => hamming(query, codes, 0, a * bytes, bytes) - hamming(query, codes, 0, b * bytes, bytes) || a - b)
      .slice(0, want)
      .sort((a, b) => a - b)

  for (const kernel of ['wasm-simd', 'js'] as const) {
    it(`${kernel}: the nearest codes, ties by chip, appended in pieces`, () => {
      const scanner = new CodeScanner(bytes, n, { kernel })
      scanner.append(codes.subarray(0, 1000 * bytes), 1000)
      scanner.append(codes.subarray(1000 * bytes), n - 1000)
      expect(scanner.kernel).toBe(kernel)
      for (const want of [1, 3, 50, 777, n, n + 5]) expect(Array.from(scanner.nearest(query, want))).toEqual(reference(Math.min(want, n)))
    })
  }

  it('refuses codes that do not fit, and a query of another length', () => {
    const scanner = new CodeScanner(bytes, 10)
    expect(() => scanner.append(new Uint8Array(11 * bytes), 11)).toThrow(/exceed the room for 10/)
    expect(() => scanner.nearest(new Uint8Array(16), 1)).toThrow(/16 bytes; the index's have 32/)
    expect(scanner.nearest(new Uint8Array(bytes), 5)).toHaveLength(0)
  })

  it('signDots is q · (±1 signs), and bestByEstimate keeps the highest, ties by chip', () => {
    const scanner = new CodeScanner(bytes, n)
    scanner.append(codes, n)
    const rand = mulberry32(5)
    const q = Float64Array.from({ length: dims }, () => rand() - 0.5)
    const cands = Uint32Array.of(0, 5, 17, 900, 2999)
    const got = signDots(scanner, cands, q)
    cands.forEach((c, k) => {
      let s = 0
      for (let j = 0; j < dims; j++) s += (codes[c * bytes + (j >> 3)]! >> (j & 7)) & 1 ? q[j]! : -q[j]!
      expect(got[k]).toBeCloseTo(s, 12)
    })
    // 17, 900 and 2500 hold the same code: equal estimates, kept by chip order.
    const same = Uint32Array.of(2500, 900, 17, 0)
    const est = signDots(scanner, same, q)
    const keep = bestByEstimate(same, est, 2)
    expect(Array.from(keep)).toEqual(est[3]! > est[0]! ? [0, 17] : [17, 900])
  })
})
