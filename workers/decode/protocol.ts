// The decode workers' protocol: read one GeoParquet file into typed arrays. Several decode
// workers run side by side (workers/decode/pool.ts); what they read goes to the search worker.

import type { ChipAttributes } from '../../app/lib/chips.ts'
import type { FileSummary, ReadProgress, SkippedRow } from '../../app/lib/geoparquet/types.ts'
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

export type DecodeProtocol = {
  decode: { params: { source: FileSource }; result: DecodedFile; progress: ReadProgress }
}

export const transferDecodeParams = (): Transferable[] => []
export const transferDecodeResult = (result: unknown): Transferable[] => {
  const r = result as Partial<DecodedFile> | null
  return r && r.chips ? [...typedArrayBuffers(r.chips), ...typedArrayBuffers({ e: r.embeddings })] : []
}
