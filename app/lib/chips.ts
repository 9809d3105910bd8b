// The per-chip attributes the UI keeps (everything but the embeddings, which stay in the
// search worker), and small geometry helpers over them.

export interface ChipAttributes {
  ids: string[]
  dates: (string | null)[]
  sourceUrls: (string | null)[]
  /** Closed outer rings, lon/lat flattened; ring i spans vertices ringStarts[i]..ringStarts[i+1]. */
  ringCoords: Float64Array
  ringStarts: Uint32Array
}

export function ringOf(chips: ChipAttributes, i: number): [number, number][] {
  const out: [number, number][] = []
  for (let v = chips.ringStarts[i]!; v < chips.ringStarts[i + 1]!; v++)
    out.push([chips.ringCoords[2 * v]!, chips.ringCoords[2 * v + 1]!])
  return out
}

/** [west, south, east, north] of chip i. */
export function chipBounds(chips: ChipAttributes, i: number): [number, number, number, number] {
  let w = Infinity
  let s = Infinity
  let e = -Infinity
  let n = -Infinity
  for (let v = chips.ringStarts[i]!; v < chips.ringStarts[i + 1]!; v++) {
    const x = chips.ringCoords[2 * v]!
    const y = chips.ringCoords[2 * v + 1]!
    if (x < w) w = x
    if (x > e) e = x
    if (y < s) s = y
    if (y > n) n = y
  }
  return [w, s, e, n]
}

/** Vertex-average centre of each chip (the closing vertex counted once), flattened lon/lat. */
export function chipCentres(chips: ChipAttributes): Float64Array {
  const count = chips.ringStarts.length - 1
  const out = new Float64Array(count * 2)
  for (let i = 0; i < count; i++) {
    const a = chips.ringStarts[i]!
    const b = chips.ringStarts[i + 1]! - 1
    let x = 0
    let y = 0
    for (let v = a; v < b; v++) {
      x += chips.ringCoords[2 * v]!
      y += chips.ringCoords[2 * v + 1]!
    }
    const k = Math.max(1, b - a)
    out[2 * i] = x / k
    out[2 * i + 1] = y / k
  }
  return out
}

/** Map from chip id to row. Ids are unique per dataset; a repeat keeps the first row. */
export function indexIds(ids: readonly string[]): Map<string, number> {
  const map = new Map<string, number>()
  ids.forEach((id, i) => {
    if (!map.has(id)) map.set(id, i)
  })
  return map
}
