// Where the rows live, and the scans over them: WebAssembly memories read by the SIMD kernels, or
// plain Float32Arrays read by JavaScript where WebAssembly SIMD is missing. Both keep exactly one
// float32 copy of every row.
//
// WebAssembly: a wasm32 memory holds at most 4 GiB and 1M × 1024 float32 is 4.1 GB, so rows go
// into blocks: one WebAssembly.Memory and one instance of the (shared, compiled once) kernel
// module per block, each block taking whole segments until it holds `blockBytes` of rows. A
// segment larger than that is split. Inside a block everything a segment needs sits beside its
// rows: two inverse-norm arrays (raw and centred), the kernels' output, and, made on first use,
// its int8 codes and sign bits. Rows are padded to a stride that is a multiple of 128 (zeros,
// and zero query padding, so the padding adds nothing).

import type { KernelKind, ScoreMode } from '../vocabulary.ts'
import { instantiate, kernelModule, type Kernels } from './wasm.ts'

export interface StoreSegment {
  /** First global row. */
  readonly offset: number
  readonly count: number
}

/** Unit roundoff of float32. */
export const U32 = 2 ** -24
const U64 = 2 ** -53

/**
 * Upper bound on |t − S| for a scan score t against the real cosine S (|S| ≤ 1):
 * gamma · r + beta, r = (|x| + |μ|) / |x − μ| per row (1 in raw mode). See docs/internals.md
 * ("Exact top-K") for where each term comes from.
 */
export interface ScanBound {
  gamma: number
  beta: number
}

export interface RowStore {
  readonly kernel: KernelKind
  readonly dims: number
  readonly stride: number
  readonly count: number
  readonly segments: readonly StoreSegment[]
  /** Compact codes (int8, binary) are available (WebAssembly only). */
  readonly compact: boolean
  /**
   * Appends `count` rows as one or more segments. `fill` writes row i's dims values at
   * rows[i · stride …] (the padding is already zero), for rows `first` … of the call.
   */
  append(count: number, fill: (rows: Float32Array, stride: number, first: number) => void): number[]
  /** Adds every column of segment `seg` into sums (float64, row after row). */
  colSums(seg: number, sums: Float64Array): void
  /** Σ (x − center)² of every row of the segment, float64. */
  norms2(seg: number, center: Float64Array | null): Float64Array
  /** Writes the inverse norms that the scans of `mode` multiply by. */
  setInv(seg: number, mode: ScoreMode, inv: Float32Array): void
  invOf(seg: number, mode: ScoreMode): Float32Array
  /** The segment's rows: row r starts at base + r · stride of data (a view, valid until the next append). */
  rowsOf(seg: number): { data: Float32Array; base: number }
  /** The error bound of scan / scanRows / scanMax. */
  readonly bound: ScanBound
  /** out[row] = (x_row · q − c) · inv_row for every row; q has stride values. */
  scan(q: Float32Array, c: number, mode: ScoreMode, out: Float32Array): void
  /** The same for the given global rows (ascending); out[k] belongs to rows[k]. */
  scanRows(rows: Uint32Array, q: Float32Array, c: number, mode: ScoreMode, out: Float32Array): void
  /**
   * Many queries (nq × stride, positives first, nq a multiple of 4, zero padding queries) in one
   * read: out[row] = ((2·mP − mN) / 3) · inv, or mP · inv without negatives, where mP / mN are the
   * largest x · q_k − c_k over positives / negatives.
   */
  scanMax(qs: Float32Array, nq: number, npos: number, nreal: number, cs: Float32Array, mode: ScoreMode, out: Float32Array): void
  /** Builds missing int8 codes. */
  ensureInt8(): void
  /**
   * Scans int8 codes: out[row] approximates the scan score; qerr[row] bounds its quantisation
   * error (to which `bound` is still to be added).
   */
  scanInt8(q: Float32Array, c: number, mode: ScoreMode, out: Float32Array, qerr: Float32Array): void
  /** Builds the sign bits of x − center (float32, stride values) where they are missing or older than `version`. */
  ensureBinary(center: Float32Array, version: number): void
  /**
   * Hamming distances between the rows' sign bits and the query's (stride / 32 words): t[row] =
   * lut[distance], and the `want` rows of smallest distance (ties by row) are returned, ascending.
   */
  scanBinary(qbits: Uint32Array, lut: Float32Array, t: Float32Array, want: number): Uint32Array
  /** One sequential read of every row's bytes (the memory-bandwidth floor, for the benchmarks). */
  readFloor(): number
  /** Bytes of memory held. */
  readonly bytes: number
}

export function roundStride(dims: number): number {
  return Math.ceil(dims / 128) * 128
}

export interface StoreOptions {
  kernel?: 'auto' | KernelKind
  /** Most bytes of rows per WebAssembly block (1 GiB). */
  blockBytes?: number
}

export function createRowStore(dims: number, options: StoreOptions = {}): RowStore {
  const kind = options.kernel ?? 'auto'
  if (kind !== 'js') {
    const module = kernelModule()
    if (module) return new WasmRowStore(dims, module, options.blockBytes ?? 2 ** 30)
    if (kind === 'wasm-simd') throw new Error('WebAssembly SIMD is not available here')
  }
  return new JsRowStore(dims)
}

// ---------------------------------------------------------------------------------------------
// WebAssembly

const PAGE = 65536
const align = (n: number) => Math.ceil(n / 16) * 16

class Block {
  readonly memory: WebAssembly.Memory
  readonly k: Kernels
  used = 64
  rowBytes = 0
  private readonly scratchRegions = new Map<string, { ptr: number; bytes: number }>()

  constructor(module: WebAssembly.Module, firstBytes: number) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((firstBytes + 2 * PAGE) / PAGE) })
    this.k = instantiate(module, this.memory)
  }

  alloc(bytes: number): number {
    const ptr = align(this.used)
    const end = ptr + align(bytes)
    if (end > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE))
    this.used = end
    return ptr
  }

  /** A reusable region for per-call inputs (queries, bounds); reallocated only when it must grow. */
  scratch(name: string, bytes: number): number {
    const r = this.scratchRegions.get(name)
    if (r && r.bytes >= bytes) return r.ptr
    const size = Math.max(bytes, (r?.bytes ?? 0) * 2)
    const ptr = this.alloc(size)
    this.scratchRegions.set(name, { ptr, bytes: size })
    return ptr
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length)
  }

  private whole: Float32Array | null = null

  /** The whole memory as float32 (a growing memory gets a new buffer, and this a new view). */
  get all(): Float32Array {
    if (!this.whole || this.whole.buffer !== this.memory.buffer) this.whole = new Float32Array(this.memory.buffer)
    return this.whole
  }
}

interface WasmSegment extends StoreSegment {
  block: Block
  rows: number
  invRaw: number
  invCentred: number
  /** The kernels' output: count f32, u16 or (norms2) f64. */
  out: number
  int8: { codes: number; q: number; lo: Float32Array; scale: Float64Array } | null
  bits: number
  bitsVersion: number
}

class WasmRowStore implements RowStore {
  readonly kernel = 'wasm-simd' as const
  readonly compact = true
  readonly stride: number
  readonly segments: WasmSegment[] = []
  readonly bound: ScanBound
  private readonly blocks: Block[] = []
  count = 0

  constructor(
    readonly dims: number,
    private readonly module: WebAssembly.Module,
    private readonly blockBytes: number,
  ) {
    this.stride = roundStride(dims)
    // kernels.wat scan_f32: each product goes through one multiply, stride/16 − 1 adds in its
    // lane, two adds joining the accumulators and two joining the lanes: n = stride/16 + 4
    // roundings, bounded by γ_n = n·u / (1 − n·u) times Σ|x_j q_j| ≤ |x|·|q| (Higham, 3.1).
    // The rest (q and c rounded to float32, the subtraction, the inverse norm and the product)
    // adds a few u, to |μ| (in r) and to |S| ≤ 1 (in beta). scan_max's dots are shorter.
    const n = this.stride / 16 + 8
    this.bound = { gamma: (1.01 * n * U32) / (1 - n * U32), beta: 24 * U32 }
  }

  get bytes(): number {
    return this.blocks.reduce((s, b) => s + b.memory.buffer.byteLength, 0)
  }

  append(count: number, fill: (rows: Float32Array, stride: number, first: number) => void): number[] {
    const rowBytes = this.stride * 4
    const ids: number[] = []
    let done = 0
    while (done < count) {
      let block = this.blocks.at(-1)
      const room = block ? Math.floor((this.blockBytes - block.rowBytes) / rowBytes) : 0
      if (!block || room < 1) {
        const n = Math.max(1, Math.min(count - done, Math.floor(this.blockBytes / rowBytes)))
        block = new Block(this.module, n * (rowBytes + 16))
        this.blocks.push(block)
      }
      const n = Math.min(count - done, Math.max(1, Math.floor((this.blockBytes - block.rowBytes) / rowBytes)))
      const seg: WasmSegment = {
        offset: this.count,
        count: n,
        block,
        rows: block.alloc(n * rowBytes),
        invRaw: block.alloc(n * 4),
        invCentred: block.alloc(n * 4),
        out: block.alloc(n * 8),
        int8: null,
        bits: 0,
        bitsVersion: -1,
      }
      block.rowBytes += n * rowBytes
      fill(block.f32(seg.rows, n * this.stride), this.stride, done)
      this.segments.push(seg)
      ids.push(this.segments.length - 1)
      this.count += n
      done += n
    }
    return ids
  }

  colSums(seg: number, sums: Float64Array): void {
    const s = this.segments[seg]!
    const b = s.block
    const ptr = b.scratch('f64', this.stride * 8)
    const view = new Float64Array(b.memory.buffer, ptr, this.stride)
    view.fill(0)
    b.k.col_sums(s.rows, this.stride, s.count, ptr)
    for (let j = 0; j < this.dims; j++) sums[j]! += view[j]!
  }

  norms2(seg: number, center: Float64Array | null): Float64Array {
    const s = this.segments[seg]!
    const b = s.block
    const cptr = b.scratch('f64', this.stride * 8)
    const c = new Float64Array(b.memory.buffer, cptr, this.stride)
    c.fill(0)
    if (center) c.set(center.subarray(0, this.dims))
    b.k.norms2(s.rows, this.stride, s.count, cptr, s.out)
    return new Float64Array(b.memory.buffer.slice(s.out, s.out + s.count * 8))
  }

  setInv(seg: number, mode: ScoreMode, inv: Float32Array): void {
    this.invOf(seg, mode).set(inv)
  }

  invOf(seg: number, mode: ScoreMode): Float32Array {
    const s = this.segments[seg]!
    return s.block.f32(mode === 'raw' ? s.invRaw : s.invCentred, s.count)
  }

  rowsOf(seg: number): { data: Float32Array; base: number } {
    const s = this.segments[seg]!
    return { data: s.block.all, base: s.rows >>> 2 }
  }

  /** Writes q into every block's query region; returns the pointer per block. */
  private putQuery(name: string, q: Float32Array): Map<Block, number> {
    const at = new Map<Block, number>()
    for (const b of this.blocks) {
      const ptr = b.scratch(name, q.byteLength)
      b.f32(ptr, q.length).set(q)
      at.set(b, ptr)
    }
    return at
  }

  scan(q: Float32Array, c: number, mode: ScoreMode, out: Float32Array): void {
    const qp = this.putQuery('q', q)
    for (const s of this.segments) {
      s.block.k.scan_f32(s.rows, this.stride, s.count, qp.get(s.block)!, c, mode === 'raw' ? s.invRaw : s.invCentred, s.out)
      out.set(s.block.f32(s.out, s.count), s.offset)
    }
  }

  scanRows(rows: Uint32Array, q: Float32Array, c: number, mode: ScoreMode, out: Float32Array): void {
    const qp = this.putQuery('q', q)
    const rowBytes = this.stride * 4
    let k = 0
    for (const s of this.segments) {
      if (k >= rows.length) break
      if (rows[k]! >= s.offset + s.count) continue
      const b = s.block
      const ptr = qp.get(b)!
      const inv = mode === 'raw' ? s.invRaw : s.invCentred
      const view = new Float32Array(b.memory.buffer, s.out, s.count)
      // Runs of consecutive rows go in one call.
      while (k < rows.length && rows[k]! < s.offset + s.count) {
        const first = rows[k]! - s.offset
        let n = 1
        while (k + n < rows.length && rows[k + n]! === rows[k]! + n && first + n < s.count) n++
        b.k.scan_f32(s.rows + first * rowBytes, this.stride, n, ptr, c, inv + first * 4, s.out + first * 4)
        for (let i = 0; i < n; i++) out[k + i] = view[first + i]!
        k += n
      }
    }
  }

  scanMax(qs: Float32Array, nq: number, npos: number, nreal: number, cs: Float32Array, mode: ScoreMode, out: Float32Array): void {
    const qp = this.putQuery('q', qs)
    const cp = this.putQuery('cs', cs)
    for (const b of this.blocks) b.scratch('dots', nq * 4)
    for (const s of this.segments) {
      const b = s.block
      b.k.scan_max(
        s.rows,
        this.stride,
        s.count,
        qp.get(b)!,
        nq,
        npos,
        nreal,
        cp.get(b)!,
        mode === 'raw' ? s.invRaw : s.invCentred,
        s.out,
        b.scratch('dots', nq * 4),
      )
      out.set(b.f32(s.out, s.count), s.offset)
    }
  }

  ensureInt8(): void {
    const stride = this.stride
    for (const s of this.segments) {
      if (s.int8) continue
      const b = s.block
      const lo = b.scratch('lo', stride * 4)
      const hi = b.scratch('hi', stride * 4)
      b.f32(lo, stride).fill(Infinity)
      b.f32(hi, stride).fill(-Infinity)
      b.k.min_max(s.rows, stride, s.count, lo, hi)
      const low = b.f32(lo, stride).slice()
      const high = b.f32(hi, stride).slice()
      const scale = new Float64Array(stride)
      const invs = new Float32Array(stride)
      for (let j = 0; j < stride; j++) {
        if (!(high[j]! > low[j]!)) {
          low[j] = Number.isFinite(low[j]!) ? low[j]! : 0
          continue
        }
        scale[j] = (high[j]! - low[j]!) / 255
        invs[j] = 1 / scale[j]!
      }
      const codes = b.alloc(s.count * stride)
      const q = b.alloc(stride * 2)
      const loPtr = b.scratch('lo', stride * 4)
      const invsPtr = b.scratch('hi', stride * 4)
      b.f32(loPtr, stride).set(low)
      b.f32(invsPtr, stride).set(invs)
      b.k.quant_i8(s.rows, stride, s.count, loPtr, invsPtr, codes)
      s.int8 = { codes, q, lo: low, scale }
    }
  }

  scanInt8(q: Float32Array, c: number, mode: ScoreMode, out: Float32Array, qerr: Float32Array): void {
    const stride = this.stride
    // The query's scale keeps every sum inside i32: |Σ qi·code| ≤ stride · 255 · qmax < 2³¹.
    const qmax = Math.min(32767, Math.floor((2 ** 31 - 1) / (stride * 255)))
    const qi = new Int16Array(stride)
    for (const s of this.segments) {
      const { codes, q: qPtr, lo, scale } = s.int8!
      const b = s.block
      // x ≈ lo + scale · code: x · q ≈ Σ q·lo + Σ (q·scale) · code.
      let amax = 0
      let k0 = 0
      let sumA = 0
      for (let j = 0; j < this.dims; j++) {
        const a = q[j]! * scale[j]!
        amax = Math.max(amax, Math.abs(a))
        sumA += Math.abs(a)
        k0 += q[j]! * lo[j]!
      }
      const sq = amax > 0 ? amax / qmax : 0
      qi.fill(0)
      // kernels.wat scan_i8 takes each 16 dims' even-numbered values first, then the odd ones.
      if (sq > 0)
        for (let j = 0; j < this.dims; j++) qi[(j & ~15) + ((j & 1) << 3) + ((j & 15) >> 1)] = Math.round((q[j]! * scale[j]!) / sq)
      new Int16Array(b.memory.buffer, qPtr, stride).set(qi)
      const sq32 = Math.fround(sq)
      const k = Math.fround(k0 - c)
      const inv = mode === 'raw' ? s.invRaw : s.invCentred
      // Per row, before the inverse norm: |x − x'| ≤ scale/2 per element (codes round to nearest,
      // in float32: a few u of 255 more), the query's rounding to i16 (≤ sq/2 per element, times
      // codes ≤ 255), sq32 for sq, and the float32 steps of (f32(dot)·sq + k)·inv. The kernel
      // multiplies it by each row's inverse norm into err.
      const e =
        1.001 * (0.5 * sumA + 0.5 * sq * 255 * this.dims) +
        Math.abs(sq32 - sq) * 255 * this.dims * qmax +
        8 * U32 * (255 * sumA + Math.abs(k0) + Math.abs(c) + Math.abs(k))
      const err = s.out + 4 * s.count
      // Four streams a quarter of the rows apart, then the last few rows as one group.
      const part = s.count >> 2
      if (part > 0) b.k.scan_i8(codes, stride, part, part, 2 * part, 3 * part, qPtr, sq32, k, inv, s.out, e, err)
      const rest = s.count - 4 * part
      if (rest > 0) {
        const r = 4 * part
        b.k.scan_i8(codes + r * stride, stride, 1, Math.min(1, rest - 1), Math.min(2, rest - 1), rest - 1, qPtr, sq32, k, inv + r * 4, s.out + r * 4, e, err + r * 4)
      }
      out.set(b.f32(s.out, s.count), s.offset)
      qerr.set(b.f32(err, s.count), s.offset)
    }
  }

  ensureBinary(center: Float32Array, version: number): void {
    const sb = this.stride / 8
    for (const s of this.segments) {
      if (s.bitsVersion === version) continue
      const b = s.block
      if (!s.bits) s.bits = b.alloc(s.count * sb)
      const mu = b.scratch('mu', this.stride * 4)
      b.f32(mu, this.stride).set(center)
      b.k.encode_bin(s.rows, this.stride, s.count, mu, s.bits)
      s.bitsVersion = version
    }
  }

  scanBinary(qbits: Uint32Array, lut: Float32Array, t: Float32Array, want: number): Uint32Array {
    const sb = this.stride / 8
    const bins = this.stride + 1
    for (const b of this.blocks) {
      new Uint32Array(b.memory.buffer, b.scratch('qbits', sb), sb / 4).set(qbits)
      b.f32(b.scratch('lut', bins * 4), bins).set(lut)
      new Uint32Array(b.memory.buffer, b.scratch('hist', bins * 4), bins).fill(0)
    }
    for (const s of this.segments) {
      const b = s.block
      b.k.scan_bin(s.bits, sb, s.count, b.scratch('qbits', sb), b.scratch('lut', bins * 4), b.scratch('hist', bins * 4), s.out, s.out + 4 * s.count)
      t.set(b.f32(s.out, s.count), s.offset)
    }
    if (want >= this.count) return Uint32Array.from({ length: this.count }, (_, i) => i)
    // The `want` smallest distances, ties at the cut by row: the histogram says where the cut is.
    const hist = new Uint32Array(bins)
    for (const b of this.blocks) {
      const h = new Uint32Array(b.memory.buffer, b.scratch('hist', bins * 4), bins)
      for (let i = 0; i < bins; i++) hist[i]! += h[i]!
    }
    let cut = 0
    let below = 0
    while (below + hist[cut]! < want) below += hist[cut++]!
    let atCut = want - below
    const rows = new Uint32Array(want)
    let m = 0
    for (const s of this.segments) {
      const d = new Uint16Array(s.block.memory.buffer, s.out + 4 * s.count, s.count)
      for (let i = 0; i < s.count; i++) {
        const v = d[i]!
        if (v < cut) rows[m++] = s.offset + i
        else if (v === cut && atCut > 0) {
          rows[m++] = s.offset + i
          atCut--
        }
      }
    }
    return rows
  }

  readFloor(): number {
    let sum = 0
    for (const s of this.segments) sum += s.block.k.read_floor(s.rows, s.count * this.stride * 4)
    return sum
  }
}

// ---------------------------------------------------------------------------------------------
// Plain JavaScript: float64 dots, no compact codes.

interface JsSegment extends StoreSegment {
  data: Float32Array
  invRaw: Float32Array
  invCentred: Float32Array
}

class JsRowStore implements RowStore {
  readonly kernel = 'js' as const
  readonly compact = false
  readonly stride: number
  readonly segments: JsSegment[] = []
  readonly bound: ScanBound
  count = 0

  constructor(readonly dims: number) {
    this.stride = dims
    // Sequential float64 dots: γ_n in double precision, then one rounding to float32.
    const n = dims + 8
    this.bound = { gamma: (1.01 * n * U64) / (1 - n * U64) + 4 * U32, beta: 24 * U32 }
  }

  get bytes(): number {
    return this.segments.reduce((s, g) => s + g.data.byteLength + g.count * 8, 0)
  }

  append(count: number, fill: (rows: Float32Array, stride: number, first: number) => void): number[] {
    const data = new Float32Array(count * this.dims)
    fill(data, this.dims, 0)
    return [this.adopt(data, count)]
  }

  /** Keeps the given rows as a segment, without copying them. */
  adopt(data: Float32Array, count: number): number {
    this.segments.push({ offset: this.count, count, data, invRaw: new Float32Array(count), invCentred: new Float32Array(count) })
    this.count += count
    return this.segments.length - 1
  }

  colSums(seg: number, sums: Float64Array): void {
    const { data, count } = this.segments[seg]!
    const d = this.dims
    for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) sums[j]! += data[i * d + j]!
  }

  norms2(seg: number, center: Float64Array | null): Float64Array {
    const { data, count } = this.segments[seg]!
    const d = this.dims
    const out = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      let s = 0
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j]! - (center ? center[j]! : 0)
        s += v * v
      }
      out[i] = s
    }
    return out
  }

  setInv(seg: number, mode: ScoreMode, inv: Float32Array): void {
    this.invOf(seg, mode).set(inv)
  }

  invOf(seg: number, mode: ScoreMode): Float32Array {
    const s = this.segments[seg]!
    return mode === 'raw' ? s.invRaw : s.invCentred
  }

  rowsOf(seg: number): { data: Float32Array; base: number } {
    return { data: this.segments[seg]!.data, base: 0 }
  }

  private dot(data: Float32Array, base: number, q: Float32Array): number {
    let s = 0
    for (let j = 0; j < this.dims; j++) s += data[base + j]! * q[j]!
    return s
  }

  scan(q: Float32Array, c: number, mode: ScoreMode, out: Float32Array): void {
    for (const s of this.segments) {
      const inv = mode === 'raw' ? s.invRaw : s.invCentred
      for (let i = 0; i < s.count; i++) out[s.offset + i] = (this.dot(s.data, i * this.dims, q) - c) * inv[i]!
    }
  }

  scanRows(rows: Uint32Array, q: Float32Array, c: number, mode: ScoreMode, out: Float32Array): void {
    let k = 0
    for (const s of this.segments) {
      const inv = mode === 'raw' ? s.invRaw : s.invCentred
      while (k < rows.length && rows[k]! < s.offset + s.count) {
        const i = rows[k]! - s.offset
        out[k++] = (this.dot(s.data, i * this.dims, q) - c) * inv[i]!
      }
    }
  }

  scanMax(qs: Float32Array, _nq: number, npos: number, nreal: number, cs: Float32Array, mode: ScoreMode, out: Float32Array): void {
    const d = this.dims
    for (const s of this.segments) {
      const inv = mode === 'raw' ? s.invRaw : s.invCentred
      for (let i = 0; i < s.count; i++) {
        let mp = -Infinity
        let mn = -Infinity
        for (let k = 0; k < nreal; k++) {
          let dot = 0
          for (let j = 0; j < d; j++) dot += s.data[i * d + j]! * qs[k * d + j]!
          dot -= cs[k]!
          if (k < npos) mp = Math.max(mp, dot)
          else mn = Math.max(mn, dot)
        }
        out[s.offset + i] = (nreal > npos ? (2 * mp - mn) / 3 : mp) * inv[i]!
      }
    }
  }

  ensureInt8(): never {
    throw new Error('no compact codes in the JavaScript kernels')
  }
  scanInt8(): never {
    throw new Error('no compact codes in the JavaScript kernels')
  }
  ensureBinary(): never {
    throw new Error('no compact codes in the JavaScript kernels')
  }
  scanBinary(): never {
    throw new Error('no compact codes in the JavaScript kernels')
  }

  readFloor(): number {
    let sum = 0
    for (const s of this.segments) for (let i = 0; i < s.data.length; i++) sum += s.data[i]!
    return sum
  }
}

export { JsRowStore }
