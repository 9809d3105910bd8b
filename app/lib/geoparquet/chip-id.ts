// Stable chip ids. They go into shared URLs and saved selections, so they must not depend on
// row order: Clay v0 ids come from the tile name in source_url, which the producer fixed.

/** Side of the Clay v0 chip grid over one MGRS tile (5.12 km chips over a 109.8 km tile). */
export const CLAY_V0_GRID_SIZE = 21

// The claytile_ name is the contract: MGRS (2-digit zone, latitude band C–X without I/O, 100 km
// square letters without I/O), the acquisition date, a version and the chip number. The bucket
// and folders in front of it have changed between releases, so any prefix is accepted.
const CLAY_V0_NAME =
  /(?:^|\/)claytile_(\d{2}[C-HJ-NP-X][A-HJ-NP-Z][A-HJ-NP-V])_(\d{4})(\d{2})(\d{2})_v\d+_(\d{4})\.tif$/

/**
 * `<MGRS>_<YYYYMMDD>_<NNNN>` from a Clay v0 source_url such as
 * `s3://clay-tiles-02/02/03WVN/2022-06-10/claytile_03WVN_20220610_v02_0001.tif`; null when the
 * name doesn't follow that pattern.
 */
export function clayV0ChipId(sourceUrl: string): string | null {
  const path = sourceUrl.replace(/[?#].*$/, '')
  const m = CLAY_V0_NAME.exec(path)
  if (!m) return null
  const [, mgrs, yyyy, mm, dd, nnnn] = m
  const month = Number(mm)
  const day = Number(dd)
  if (month < 1 || month > 12 || day < 1 || day > 31) return null
  const chip = Number(nnnn)
  if (chip < 1 || chip > CLAY_V0_GRID_SIZE * CLAY_V0_GRID_SIZE) return null
  return `${mgrs}_${yyyy}${mm}${dd}_${nnnn}`
}

/** Fallback id for rows with nothing better: unique within a file, stable while the file is. */
export function genericChipId(fileName: string, row: number): string {
  return `${fileName}#${row}`
}

const CLAY_V0_ID = /^\d{2}[C-HJ-NP-X][A-HJ-NP-Z][A-HJ-NP-V]_\d{8}_(\d{4})$/

/**
 * Where a Clay v0 chip sits in its tile's 21×21 grid (col from the west, row from the north, as
 * the producer numbered them before cloud filtering). Null for ids that aren't Clay v0.
 */
export function clayV0GridCell(id: string): { col: number; row: number } | null {
  const m = CLAY_V0_ID.exec(id)
  if (!m) return null
  const n = Number(m[1]) - 1
  if (n < 0 || n >= CLAY_V0_GRID_SIZE * CLAY_V0_GRID_SIZE) return null
  return { col: n % CLAY_V0_GRID_SIZE, row: Math.floor(n / CLAY_V0_GRID_SIZE) }
}
