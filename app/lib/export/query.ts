// What was searched for, as every export and saved file records it: the dataset and its model,
// the examples (chips, drawn areas, examples from a file), how they were ranked and what was kept.
// GeoJSON carries it as the top-level `query` member, GeoParquet as the `chipfinder:query`
// key/value entry (JSON). CSV has no place for it (see README "Export").

import type { DrawnArea } from '../areas/area.ts'
import { APP_NAME, APP_VERSION } from '../app-info.ts'
import type { ExampleLabel } from '../vocabulary.ts'

export interface ExportQuery {
  app: { name: string; version: string }
  /** ISO 8601 time of the export. */
  exportedAt: string
  dataset: {
    /** The dataset's address; null for a file from the person's computer (see `file`). */
    url: string | null
    /** File name shown in the app (the open file, or the local file's name). */
    file: string | null
    /** Human label of the model ("Clay v0"), its family and vector length. */
    model: string | null
    family: string | null
    dims: number | null
    /** The `source_model` the file's rows share, when it names one. */
    sourceModel: string | null
  }
  /** The link that reopens this search; null when it can't be shared (a local file). */
  link: string | null
  positives: string[]
  negatives: string[]
  /** Drawn areas: id, label, shape, outline (lon/lat, open ring), imagery dates and scene. */
  areas: DrawnArea[]
  /** Examples loaded from a labels file that this dataset doesn't have (ranked by their stored vector). */
  fileExamples: { id: string; label: ExampleLabel }[]
  method: string
  mode: string
  threshold: number | null
  lossFilter: [number, number] | null
  /** Rows in the file. */
  resultCount: number
}

export type ExportQueryInput = Omit<ExportQuery, 'app' | 'exportedAt'> & { exportedAt?: Date }

export function exportQuery(input: ExportQueryInput): ExportQuery {
  const { exportedAt, ...rest } = input
  return {
    app: { name: APP_NAME, version: APP_VERSION },
    exportedAt: (exportedAt ?? new Date()).toISOString(),
    ...rest,
    // Copies: the store's arrays must not be shared with a file being written.
    positives: [...rest.positives],
    negatives: [...rest.negatives],
    areas: rest.areas.map((a) => ({ ...a, ring: a.ring.map(([x, y]) => [x, y] as [number, number]) })),
  }
}
