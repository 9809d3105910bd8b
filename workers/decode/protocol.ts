// The decode workers' protocol: read one GeoParquet file into typed arrays. Several decode
// workers run side by side (workers/decode/pool.ts); what they read goes to the search worker.

import type { ChipAttributes } from '../../app/lib/chips.ts'
import type { FileSummary, ReadProgress, SkippedRow } from '../../app/lib/geoparquet/types.ts'
import type { CodeRows } from '../../app/lib/archive/code-file.ts'
import type { DatasetIdentity } from '../../app/lib/geoparquet/footer.ts'
import { typedArrayBuffers } from '../rpc/rpc.ts'

export type FileSource =
  | { kind: 'url'; url: string }
  /** A file the person picked on their own computer; nothing is uploaded. */
  | { kind: 'file'; file: Blob; fileName: string }

export interface DecodedFile {
  summary: FileSummary
  chips: ChipAttributes
  /** count × dims, row-major (transferred). */
  embeddings: Float32Array
  skipped: SkippedRow[]
}

/**
 * One file read for a stored index (app/lib/archive/local-build.ts): with no mean, the float64
 * sum of its kept vectors (the plan's sample); with one, its chips' codes against it. The
 * float32 rows never leave the worker either way.
 */
export interface CodedFile {
  identity: DatasetIdentity
  /** Rows in the file, kept or not. */
  rows: number
  /** Rows kept. */
  chips: number
  /** Without a mean: Σ of the kept vectors (dims values). */
  sum: Float64Array | null
  /** With a mean: the chips as code rows (source 0). */
  code: CodeRows | null
}

export type DecodeProtocol = {
  decode: { params: { source: FileSource }; result: DecodedFile; progress: ReadProgress }
  codeFile: { params: { url: string; mean: Float32Array | null }; result: CodedFile; progress: ReadProgress }
}

export const transferDecodeParams = (): Transferable[] => []
export const transferDecodeResult = (result: unknown): Transferable[] => {
  const r = result as (Partial<DecodedFile> & Partial<CodedFile>) | null
  if (r && r.code) return [...new Set([...typedArrayBuffers(r.code), ...typedArrayBuffers(r.code.ids)])]
  if (r && r.sum) return typedArrayBuffers({ s: r.sum })
  return r && r.chips && typeof r.chips === 'object' ? [...typedArrayBuffers(r.chips), ...typedArrayBuffers({ e: r.embeddings })] : []
}
