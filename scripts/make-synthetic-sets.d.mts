// Types for make-synthetic-sets.mjs; its header documents the layout and the manifest.

export type SetLayout = 'clay-v0' | 'parquet-prefix'

export interface SyntheticSet {
  id: string
  title: string
  /** Key prefix under the output folder (the `synthetic` bucket), e.g. "clay-v0-global/". */
  prefix: string
  layout: SetLayout
  dims: number
  embeddingColumn: string
  /** The column chip ids come from (Clay v0: source_url), or null (ids are `<key>#<row>`). */
  idColumn: string | null
  /** CRS of the geometry column. */
  crs: 'CRS84' | 'EPSG:3857'
  files: number
  rows: number
}

export interface SyntheticFile {
  /** Path under the output folder, with forward slashes. */
  key: string
  size: number
  set: string
  mgrs: string | null
  /** ISO dates (YYYY-MM-DD) of the rows; empty when the set has none. */
  dates: string[]
  /** [west, south, east, north] in lon/lat (for the EPSG:3857 set too). */
  bbox: [number, number, number, number]
  rows: number
  dims: number
  codec: 'ZSTD' | 'SNAPPY' | 'GZIP' | 'BROTLI'
}

export interface PlantedMember {
  key: string
  /** Row in the file, 0-based. */
  row: number
  /** Chip id: Clay v0 `<MGRS>_<YYYYMMDD>_<NNNN>`, else the id column's value, else `<key>#<row>`. */
  id: string
}

export interface PlantedGroup {
  /** cluster: the members are alike; outliers: each is unlike anything. */
  kind: 'cluster' | 'outliers'
  note: string
  ids: string[]
  members: PlantedMember[]
}

export interface Anomaly {
  set: string
  kind: 'oversized-footprint'
  key: string
  row: number
  id: string
  note: string
}

export interface SyntheticManifest {
  generator: string
  version: number
  seed: number
  /** catalog.json, relative to the output folder. */
  catalog: string
  totalBytes: number
  sets: SyntheticSet[]
  files: SyntheticFile[]
  /** set id → group name (lake, quarry, cloud, unusual) → members. */
  planted: Record<string, Record<string, PlantedGroup>>
  anomalies: Anomaly[]
}

/** Bumped whenever the output changes. */
export const GENERATOR_VERSION: number
export const SEED: number
/** Writes (or finds, already written by this version) the sets, catalog.json and manifest.json. */
export function writeSyntheticSets(outDir: string, options?: { force?: boolean }): Promise<SyntheticManifest>
/** The Sentinel-2 tile frame of an MGRS 100 km square (UTM zone, hemisphere, upper-left corner). */
export function tileFrame(mgrs: string): { mgrs: string; zone: number; south: boolean; ulx: number; uly: number }
/** Footprint of Clay v0 chip NNNN (1-based) of an MGRS tile, as a closed lon/lat ring. */
export function clayV0Footprint(mgrs: string, chip: number): [number, number][]
