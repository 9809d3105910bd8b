// The chips of a dataset, as one segment per loaded file. Rows are numbered globally in the
// order segments were added; a segment's arrays are never copied when another one arrives, so
// loading file 300 costs the same as loading file 1.

import type { ChipAttributes } from './chips.ts'

export interface ChipSegment {
  /** Which file the segment came from (its URL or local name). */
  source: string
  chips: ChipAttributes
  /** Global row of the segment's first chip. */
  offset: number
  count: number
  /** Centre of each chip, lon/lat flattened. */
  centres: Float64Array
}

/** Read access to chip attributes by global row; what the exports and panels need. */
export interface ChipLookup {
  readonly count: number
  id(row: number): string
  date(row: number): string | null
  sourceUrl(row: number): string | null
  /** Closed outer ring as [lon, lat] pairs. */
  ring(row: number): [number, number][]
}

function centresOf(chips: ChipAttributes): Float64Array {
  const count = chips.ringStarts.length - 1
  const out = new Float64Array(count * 2)
  for (let i = 0; i < count; i++) {
    const a = chips.ringStarts[i]!
    // Rings are closed: leave the repeated last vertex out of the average.
    const b = Math.max(a + 1, chips.ringStarts[i + 1]! - 1)
    let x = 0
    let y = 0
    for (let v = a; v < b; v++) {
      x += chips.ringCoords[2 * v]!
      y += chips.ringCoords[2 * v + 1]!
    }
    out[2 * i] = x / (b - a)
    out[2 * i + 1] = y / (b - a)
  }
  return out
}

export class ChipCollection implements ChipLookup {
  readonly segments: ChipSegment[] = []
  private readonly rows = new Map<string, number>()
  private total = 0
  /** Ids that appeared in more than one file; the first one wins. */
  duplicateIds = 0

  get count(): number {
    return this.total
  }

  add(source: string, chips: ChipAttributes): ChipSegment {
    const count = chips.ids.length
    const segment: ChipSegment = { source, chips, offset: this.total, count, centres: centresOf(chips) }
    chips.ids.forEach((id, i) => {
      if (this.rows.has(id)) this.duplicateIds++
      else this.rows.set(id, segment.offset + i)
    })
    this.segments.push(segment)
    this.total += count
    return segment
  }

  /** Global row of a chip id, if loaded. */
  rowOf(id: string): number | undefined {
    return this.rows.get(id)
  }

  /** The segment holding a global row, and the row within it. */
  locate(row: number): { segment: ChipSegment; local: number } {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.segments[mid]!.offset <= row) lo = mid
      else hi = mid - 1
    }
    const segment = this.segments[lo]
    if (!segment || row < 0 || row >= this.total) throw new RangeError(`row ${row} is not loaded`)
    return { segment, local: row - segment.offset }
  }

  id(row: number): string {
    const { segment, local } = this.locate(row)
    return segment.chips.ids[local]!
  }

  date(row: number): string | null {
    const { segment, local } = this.locate(row)
    return segment.chips.dates[local] ?? null
  }

  sourceUrl(row: number): string | null {
    const { segment, local } = this.locate(row)
    return segment.chips.sourceUrls[local] ?? null
  }

  ring(row: number): [number, number][] {
    const { segment, local } = this.locate(row)
    const { ringStarts, ringCoords } = segment.chips
    const out: [number, number][] = []
    for (let v = ringStarts[local]!; v < ringStarts[local + 1]!; v++) out.push([ringCoords[2 * v]!, ringCoords[2 * v + 1]!])
    return out
  }

  centre(row: number): [number, number] {
    const { segment, local } = this.locate(row)
    return [segment.centres[2 * local]!, segment.centres[2 * local + 1]!]
  }

  /** [west, south, east, north] of one chip. */
  bounds(row: number): [number, number, number, number] {
    let w = Infinity
    let s = Infinity
    let e = -Infinity
    let n = -Infinity
    for (const [x, y] of this.ring(row)) {
      w = Math.min(w, x)
      e = Math.max(e, x)
      s = Math.min(s, y)
      n = Math.max(n, y)
    }
    return [w, s, e, n]
  }

  /** The chip's reconstruction loss, when its file has a `loss` column. */
  loss(row: number): number | null {
    const { segment, local } = this.locate(row)
    const v = segment.chips.extra?.loss?.[local]
    return v === undefined || Number.isNaN(v) ? null : v
  }

  /** The model that made the chip's vector, when its file says (`source_model`). */
  sourceModel(row: number): string | null {
    const { segment, local } = this.locate(row)
    return segment.chips.extra?.sourceModel?.[local] ?? null
  }

  /** Lowest and highest loss of the loaded chips; null when none has one. */
  lossRange(): [number, number] | null {
    let lo = Infinity
    let hi = -Infinity
    for (const s of this.segments) {
      const loss = s.chips.extra?.loss
      if (!loss) continue
      for (let i = 0; i < loss.length; i++) {
        const v = loss[i]!
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    }
    return lo <= hi ? [lo, hi] : null
  }

  /** All ids in global row order (for tests and small exports). */
  allIds(): string[] {
    return this.segments.flatMap((s) => s.chips.ids)
  }
}
