// The SIMD kernels (kernels.wat), compiled once per thread and instantiated once per block of rows.

import { KERNELS_WASM_BASE64 } from './kernels-wasm.ts'

/** The kernels' exports; pointers are byte offsets into the block's memory (see kernels.wat). */
export interface Kernels {
  read_floor(p: number, n: number): number
  scan_f32(rows: number, stride: number, count: number, q: number, c: number, inv: number, out: number): void
  scan_max(
    rows: number,
    stride: number,
    count: number,
    qs: number,
    nq: number,
    npos: number,
    nreal: number,
    cs: number,
    inv: number,
    out: number,
    dots: number,
  ): void
  scan_i8(
    codes: number,
    stride: number,
    n: number,
    d1: number,
    d2: number,
    d3: number,
    q: number,
    sq: number,
    k: number,
    inv: number,
    out: number,
    e: number,
    err: number,
  ): void
  scan_bin(bits: number, sb: number, count: number, q: number, lut: number, hist: number, t: number, d: number): void
  encode_bin(rows: number, stride: number, count: number, mu: number, bits: number): void
  min_max(rows: number, stride: number, count: number, lo: number, hi: number): void
  quant_i8(rows: number, stride: number, count: number, lo: number, invs: number, codes: number): void
  col_sums(rows: number, stride: number, count: number, sums: number): void
  norms2(rows: number, stride: number, count: number, center: number, out: number): void
}

export function kernelBytes(): Uint8Array {
  const text = atob(KERNELS_WASM_BASE64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

let compiled: WebAssembly.Module | null | undefined

/**
 * The compiled kernels, or null where WebAssembly or its SIMD extension is missing (or a browser
 * refuses a synchronous compile on its main thread): then ranking runs in plain JavaScript.
 */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled
  try {
    compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(kernelBytes() as BufferSource) : null
  } catch {
    compiled = null
  }
  if (compiled) warmUp(compiled)
  return compiled
}

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels
}

/**
 * V8 runs a wasm function first in its baseline compiler and moves it to the optimising one once
 * it has run for a while; the first ranking of a big dataset would run entirely in baseline code
 * (two to three times slower). Running every kernel on a little scratch block once, at startup,
 * spends that budget before any real ranking.
 */
function warmUp(module: WebAssembly.Module): void {
  const memory = new WebAssembly.Memory({ initial: 8 })
  const k = instantiate(module, memory)
  const stride = 128
  const rows = 64
  const count = 256
  const q = rows + count * stride * 4
  const scratch = q + stride * 4 * 4
  const out = scratch + 64 * 1024 - 4096
  const inv = out - count * 4
  for (let r = 0; r < 40; r++) {
    k.read_floor(rows, count * stride * 4)
    k.scan_f32(rows, stride, count, q, 0, inv, out)
    k.scan_max(rows, stride, count, q, 4, 2, 3, out, inv, out, scratch)
    k.scan_i8(rows, stride, count / 4, count / 4, count / 2, (3 * count) / 4, q, 1, 0, inv, out, 1, out - 2048)
    k.scan_bin(rows, stride / 8, count, q, scratch, scratch + 1024, out - 2048, scratch + 4096)
    k.encode_bin(rows, stride, count, q, scratch)
    k.min_max(rows, stride, count, q, scratch)
    k.quant_i8(rows, stride, count, q, q, scratch)
    k.col_sums(rows, stride, count, scratch)
    k.norms2(rows, stride, count, scratch, scratch + 2048)
  }
}
