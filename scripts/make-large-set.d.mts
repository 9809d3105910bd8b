// Types for make-large-set.mjs; its header documents the layout.
import type { PlantedGroup } from './make-synthetic-sets.mjs'

export interface LargeSetParams {
  chips: number
  dims: number
  /** How many files (MGRS squares), at most MAX_FILES. */
  files: number
  seed: number
}

export interface LargeSetFile {
  /** Path under the set's folder, with forward slashes: `v02/<MGRS>/<MGRS>_<date>_<date>_v001.gpq`. */
  key: string
  size: number
  mgrs: string
  /** The one acquisition date of the file's chips (YYYY-MM-DD). */
  dates: [string]
  /** [west, south, east, north] in lon/lat. */
  bbox: [number, number, number, number]
  rows: number
  dims: number
  codec: 'ZSTD'
  /** The chips' grid: cells per grid row, grid rows (the last one may be partly filled), cell side in metres. */
  grid: { side: number; rows: number; cellMetres: number }
}

export interface LargeSetManifest {
  generator: string
  version: number
  /** The set's folder name, from its parameters (largeSetName). */
  name: string
  params: LargeSetParams
  /** catalog.json, relative to the set's folder. */
  catalog: string
  title: string
  totalBytes: number
  /** [west, south, east, north] of every chip, lon/lat. */
  bbox: [number, number, number, number]
  files: LargeSetFile[]
  /** lake, quarry → members (ids are the `id` column's values). */
  planted: Record<'lake' | 'quarry', PlantedGroup>
}

export const LARGE_SET_VERSION: number
/** Default output folder: <repo>/.cache/large-sets (git-ignored; the e2e data server's `large` bucket). */
export const LARGE_SETS_DIR: string
export const MAX_FILES: number
export function largeSetName(params: { chips: number; dims: number; files: number; seed?: number }): string
/** Writes the set (or finds it under outDir, already written by this version) and returns its manifest and folder. */
export function writeLargeSet(options: {
  chips: number
  dims: number
  files: number
  seed?: number
  outDir?: string
  force?: boolean
  log?: (line: string) => void
}): Promise<LargeSetManifest & { dir: string }>
