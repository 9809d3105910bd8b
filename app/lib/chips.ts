// The per-chip attributes the UI keeps (everything but the embeddings, which stay in the
// search worker), as one file delivers them.

import type { ChipExtras } from './geoparquet/types.ts'

export interface ChipAttributes {
  ids: string[]
  dates: (string | null)[]
  sourceUrls: (string | null)[]
  /** Closed outer rings, lon/lat flattened; ring i spans vertices ringStarts[i]..ringStarts[i+1]. */
  ringCoords: Float64Array
  ringStarts: Uint32Array
  /** Optional per-chip columns (loss, source_model, …) when the file has them. */
  extra?: ChipExtras
}
