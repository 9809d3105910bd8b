// The build plan (<out>/plan.json): what every shard and the merge agree on before any file is
// coded. Fixed once written: the file list, μ, the identity and the lists' centroids. Its `id`
// is a hash of the rest, so a part made under another plan is never taken for a done one.

import type { DatasetIdentity } from '../../app/lib/geoparquet/footer.ts'
import type { SourceFile, SourceSpec } from './sources.ts'

export const PLAN_VERSION = 1
export const CREATED_BY = 'chipfinder index 0.1.0'

export interface Plan {
  version: typeof PLAN_VERSION
  /** sha256 of the plan without this field. */
  id: string
  spec: SourceSpec
  /** Every file the index will cover, in `source` order, as listed when planned. */
  files: SourceFile[]
  identity: DatasetIdentity
  dims: number
  /** μ: base64 of dims float32 (little-endian), from an even sample of the files. */
  mean: string
  sample: { files: string[]; chips: number; skipped: { key: string; reason: string }[] }
  /** The sample's chips per byte times every file's bytes. */
  estimatedChips: number
  /** null: one list. Centroids: base64 of count × dims float32, unit length, centred space. */
  lists: null | { count: number; centroids: string; seed: number }
  /** Whether the index carries the exact rescoring copy (rows-NNNNN.f32 beside each code file); absent in older plans: false. */
  rows?: boolean
}

export function encodeF32(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
}

export function decodeF32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64')
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

export function encodeF64(v: Float64Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
}

export function decodeF64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64')
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}
