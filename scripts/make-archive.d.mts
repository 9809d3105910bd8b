// Types for make-archive.mjs; its header documents the layout and the embedding model.

export interface ArchiveParams {
  chips: number
  dims: number
  seed: number
}

export interface ArchiveFile {
  /** `v02/<MGRS>/<MGRS>_<mindate>_<maxdate>_v001.gpq`, relative to the archive's folder. */
  key: string
  size: number
  mgrs: string
  /** The file's acquisition dates (YYYY-MM-DD), in row order. */
  dates: string[]
  rows: number
  /** [west, south, east, north], lon/lat. */
  bbox: [number, number, number, number]
}

/** A chip: its file, its row in the file, its id (`<MGRS>_<YYYYMMDD>_<NNNN>`). */
export interface ArchiveChip {
  key: string
  row: number
  id: string
}

export interface ArchiveQuery {
  name: 'planted' | 'random' | 'mean-of-3'
  note: string
  /** The planted group whose members are the right answer ('planted' only). */
  group?: number
  examples: ArchiveChip[]
}

export interface ArchiveManifest {
  generator: string
  version: number
  name: string
  params: ArchiveParams
  /** The embedding model's constants (make-archive.mjs). */
  model: Record<string, unknown>
  chips: number
  totalBytes: number
  files: ArchiveFile[]
  /** Planted groups, members in file order. */
  groups: { group: number; members: ArchiveChip[] }[]
  queries: ArchiveQuery[]
  /** μ, float64: the mean of every chip. */
  mean: number[]
  /** How long the generation took. */
  seconds: number
}

export const ARCHIVE_VERSION: number
/** Default output folder (<repo>/.cache/large-sets: the e2e data server's `large` bucket). */
export const ARCHIVE_DIR: string
export function archiveName(params: { chips: number; dims: number; seed?: number }): string
export function writeArchiveSet(options?: {
  chips?: number
  dims?: number
  seed?: number
  outDir?: string
  force?: boolean
  log?: (line: string) => void
}): Promise<ArchiveManifest & { dir: string }>
