// A true-colour picture of the chips an area was encoded from, so a person sees what the model
// saw (and whether it was cloud).
//
// Stretch: red = B04, green = B03, blue = B02, each mapped linearly from 0–3000 (surface
// reflectance 0–0.3 in L2A digital numbers) to 0–255 and clipped. A fixed stretch, not one per
// picture: most land is darker than 0.3, so it shows well, and clouds and snow saturate to white
// instead of pulling everything else dark; the same place looks the same in every preview.
// No-data pixels (all three bands 0) are transparent, as are the cells of the chips' bounding
// grid that the area doesn't use.
import type { ChipBands } from '../encoder/preprocess.ts'
import type { LonLat } from './stac.ts'

/** Upper end of the linear stretch, in L2A digital numbers (reflectance × 10000). */
export const PREVIEW_MAX_DN = 3000

export interface Preview {
  width: number
  height: number
  /** width × height × 4, row-major from the north-west. */
  rgba: Uint8ClampedArray
  /** Where the picture lies on the map: its NW, NE, SE, SW corners in lon/lat (a UTM rectangle). */
  cornersLonLat: [LonLat, LonLat, LonLat, LonLat] | null
}

/**
 * The chips (row, col on the scene's grid, with their raw bands at chipPx²) laid out on their
 * grid, downsampled by whole steps so neither side exceeds maxSide (default 512).
 */
export function truecolourPreview(
  chips: readonly { row: number; col: number; bands: ChipBands }[],
  chipPx: number,
  opts: { maxSide?: number; bands?: { red: string; green: string; blue: string } } = {},
): Preview {
  const names = opts.bands ?? { red: 'B04', green: 'B03', blue: 'B02' }
  if (chips.length === 0) return { width: 0, height: 0, rgba: new Uint8ClampedArray(0), cornersLonLat: null }
  const r0 = Math.min(...chips.map((c) => c.row))
  const c0 = Math.min(...chips.map((c) => c.col))
  const rows = Math.max(...chips.map((c) => c.row)) - r0 + 1
  const cols = Math.max(...chips.map((c) => c.col)) - c0 + 1
  const maxSide = opts.maxSide ?? 512
  const step = Math.max(1, Math.ceil((Math.max(rows, cols) * chipPx) / maxSide))
  const cell = Math.ceil(chipPx / step)
  const width = cols * cell
  const height = rows * cell
  const rgba = new Uint8ClampedArray(width * height * 4)
  const scale = 255 / PREVIEW_MAX_DN
  for (const chip of chips) {
    const red = chip.bands[names.red]
    const green = chip.bands[names.green]
    const blue = chip.bands[names.blue]
    if (!red || !green || !blue) continue
    const ox = (chip.col - c0) * cell
    const oy = (chip.row - r0) * cell
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const src = y * step * chipPx + x * step
        const r = red[src]!
        const g = green[src]!
        const b = blue[src]!
        const o = ((oy + y) * width + ox + x) * 4
        rgba[o] = r * scale
        rgba[o + 1] = g * scale
        rgba[o + 2] = b * scale
        rgba[o + 3] = r === 0 && g === 0 && b === 0 ? 0 : 255
      }
    }
  }
  return { width, height, rgba, cornersLonLat: null }
}
