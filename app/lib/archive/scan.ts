// The candidate scan of an archive index: every chip's sign code held in one WebAssembly memory,
// Hamming distances to the query's code with the SIMD kernel the in-view binary scan uses
// (rank/kernels.wat `scan_bin`: xor, i8x16.popcnt, widening adds, and the distances' histogram
// as it goes), the nearest picked from that histogram (no sort), then re-ranked asymmetrically:
// the float query dotted with each candidate's ±1 signs, which keeps the query's magnitudes that
// its own sign bits throw away (docs/index-format.md, "Exact rescoring").
// Where WebAssembly SIMD is missing, the same scan runs on 32-bit words in JavaScript.

import { instantiate, kernelModule, type Kernels } from '../rank/wasm.ts'

const PAGE = 65536
/** wasm32 addresses 4 GiB; stay well inside it (2 M chips × 96 B is 192 MB). */
const MAX_MEMORY = 2 ** 31

/** Where the scan ran: the SIMD kernel, or the JavaScript fallback. */
export type ScanKernel = 'wasm-simd' | 'js'

export class CodeScanner {
  readonly kernel: ScanKernel
  /** Chips appended so far. */
  count = 0
  private readonly bins: number
  private readonly wasm: { k: Kernels; memory: WebAssembly.Memory } | null
  private readonly layout: { query: number; lut: number; hist: number; t: number; d: number; codes: number }
  /** The codes (capacity × codeBytes), in the memory or a plain array. */
  private readonly codes: Uint8Array
  private readonly dist: Uint16Array

  /**
   * Room for `capacity` codes of `codeBytes` bytes (a multiple of 16, as codes.ts makes them).
   * `kernel: 'js'` forces the fallback (tests).
   */
  constructor(
    readonly codeBytes: number,
    readonly capacity: number,
    options: { kernel?: 'auto' | ScanKernel } = {},
  ) {
    if (!(codeBytes > 0 && codeBytes % 16 === 0)) throw new RangeError(`code bytes must be a positive multiple of 16, got ${codeBytes}`)
    this.bins = codeBytes * 8 + 1
    const module = options.kernel === 'js' ? null : kernelModule()
    if (options.kernel === 'wasm-simd' && !module) throw new Error('WebAssembly SIMD is not available here')
    // Inputs first, then per-chip outputs (scan_bin writes an f32 score and a u16 distance per
    // chip; the scores are unused here, from a lut of zeros), then the codes.
    const query = 64
    const lut = query + codeBytes
    const hist = lut + this.bins * 4
    const t = align(hist + this.bins * 4)
    const d = align(t + capacity * 4)
    const codes = align(d + capacity * 2)
    const end = codes + capacity * codeBytes
    this.layout = { query, lut, hist, t, d, codes }
    if (module) {
      if (end > MAX_MEMORY) throw new RangeError(`${capacity} codes of ${codeBytes} bytes don't fit in one WebAssembly memory`)
      const memory = new WebAssembly.Memory({ initial: Math.ceil(end / PAGE) })
      this.wasm = { k: instantiate(module, memory), memory }
      this.kernel = 'wasm-simd'
      this.codes = new Uint8Array(memory.buffer, codes, capacity * codeBytes)
      this.dist = new Uint16Array(memory.buffer, d, capacity)
    } else {
      this.wasm = null
      this.kernel = 'js'
      this.codes = new Uint8Array(capacity * codeBytes)
      this.dist = new Uint16Array(capacity)
    }
  }

  /** Bytes held for the codes and the per-chip outputs. */
  get bytes(): number {
    return this.wasm ? this.wasm.memory.buffer.byteLength : this.codes.byteLength + this.dist.byteLength
  }

  /** Appends `count` codes (count × codeBytes bytes, as a code file's column holds them). */
  append(codes: Uint8Array, count: number): void {
    if (codes.length < count * this.codeBytes) throw new RangeError(`${codes.length} bytes hold fewer than ${count} codes of ${this.codeBytes}`)
    if (this.count + count > this.capacity) throw new RangeError(`${this.count + count} codes exceed the room for ${this.capacity}`)
    this.codes.set(codes.subarray(0, count * this.codeBytes), this.count * this.codeBytes)
    this.count += count
  }

  /** Chip i's code (a view). */
  code(i: number): Uint8Array {
    return this.codes.subarray(i * this.codeBytes, (i + 1) * this.codeBytes)
  }

  /**
   * The `want` chips nearest the query's code by Hamming distance, ties by chip order (so the
   * answer is the same on every kernel), ascending by chip.
   */
  nearest(query: Uint8Array, want: number): Uint32Array {
    if (query.length !== this.codeBytes) throw new RangeError(`the query's code has ${query.length} bytes; the index's have ${this.codeBytes}`)
    const n = this.count
    const hist = new Uint32Array(this.bins)
    if (n === 0) return new Uint32Array(0)
    if (this.wasm) {
      const { k, memory } = this.wasm
      const { layout: l } = this
      new Uint8Array(memory.buffer, l.query, this.codeBytes).set(query)
      new Uint32Array(memory.buffer, l.lut, this.bins).fill(0)
      new Uint32Array(memory.buffer, l.hist, this.bins).fill(0)
      k.scan_bin(l.codes, this.codeBytes, n, l.query, l.lut, l.hist, l.t, l.d)
      hist.set(new Uint32Array(memory.buffer, l.hist, this.bins))
    } else {
      scanJs(this.codes, this.codeBytes, n, query, this.dist, hist)
    }
    return pickNearest(this.dist, n, hist, want)
  }
}

const align = (n: number) => Math.ceil(n / 16) * 16

/** The Hamming scan on 32-bit words (SWAR popcount): the fallback, and the kernel's reference. */
function scanJs(codes: Uint8Array, bytes: number, n: number, query: Uint8Array, dist: Uint16Array, hist: Uint32Array): void {
  const words = bytes / 4
  const c = new Uint32Array(codes.buffer, codes.byteOffset, (codes.length / 4) | 0)
  const q = new Uint32Array(query.slice().buffer)
  for (let i = 0, p = 0; i < n; i++, p += words) {
    let h = 0
    for (let w = 0; w < words; w++) {
      let x = c[p + w]! ^ q[w]!
      x -= (x >>> 1) & 0x55555555
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
      h += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24)
    }
    dist[i] = h
    hist[h]!++
  }
}

/** The `want` smallest distances of `n`, ties at the cut by position: the histogram says where to cut. */
function pickNearest(dist: Uint16Array, n: number, hist: Uint32Array, want: number): Uint32Array {
  const m = Math.max(0, Math.min(Math.floor(want), n))
  let cut = 0
  let below = 0
  while (cut < hist.length && below + hist[cut]! < m) below += hist[cut++]!
  let atCut = m - below
  const out = new Uint32Array(m)
  let k = 0
  for (let i = 0; i < n && k < m; i++) {
    const v = dist[i]!
    if (v < cut) out[k++] = i
    else if (v === cut && atCut > 0) {
      out[k++] = i
      atCut--
    }
  }
  return out
}

/**
 * The asymmetric estimate of each candidate: q · s with s the chip's signs as ±1 (bit 1: +1),
 * computed through a table per code byte (256 partial sums of q each), so a candidate costs one
 * lookup per byte rather than one multiply per dimension. Higher is nearer.
 */
export function signDots(scanner: CodeScanner, candidates: Uint32Array, q: ArrayLike<number>): Float64Array {
  const dims = q.length
  const used = Math.ceil(dims / 8)
  const table = new Float64Array(used * 256)
  for (let byte = 0; byte < used; byte++) {
    for (let b = 0; b < 256; b++) {
      let s = 0
      for (let t = 0; t < 8; t++) {
        const j = byte * 8 + t
        if (j < dims) s += b & (1 << t) ? (q[j] as number) : -(q[j] as number)
      }
      table[byte * 256 + b] = s
    }
  }
  const out = new Float64Array(candidates.length)
  for (let k = 0; k < candidates.length; k++) {
    const code = scanner.code(candidates[k]!)
    let s = 0
    for (let byte = 0; byte < used; byte++) s += table[byte * 256 + code[byte]!]!
    out[k] = s
  }
  return out
}

/** The `r` candidates of highest estimate (ties by chip), ascending by chip. */
export function bestByEstimate(candidates: Uint32Array, estimate: Float64Array, r: number): Uint32Array {
  if (r >= candidates.length) return candidates.slice()
  const order = Array.from(candidates.keys()).sort((a, b) => estimate[b]! - estimate[a]! || candidates[a]! - candidates[b]!)
  return Uint32Array.from(order.slice(0, r), (k) => candidates[k]!).sort()
}
