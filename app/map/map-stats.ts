// What the map has done and how long it took, for the test API, the frame benchmark and the
// Performance timeline (marks `chipfinder:ranking-stored`, `chipfinder:ranking-drawn` and the
// measure `chipfinder:ranking-to-drawn` between them).

/** Time spent rebuilding the layer list for one kind of change (buildLayers + overlay.setProps). */
export interface UpdateTimes {
  count: number
  totalMs: number
  maxMs: number
  lastMs: number
}

export type UpdateCause = 'ranking' | 'threshold' | 'filter' | 'data' | 'view' | 'selection' | 'hover'

export interface MapStats {
  /** The store's rankingVersion the map last drew layers for. */
  rankingVersion: number
  /** Rankings that reached the screen (a frame drawn with their colours). */
  rankingsDrawn: number
  /** Milliseconds from the ranking being stored to the first frame drawn with it, latest first (at most 20). */
  rankingToDrawnMs: number[]
  /** Segments whose colour buffer was built (one tight loop each), since the page opened. */
  colourBuilds: number
  /** Segments whose [score, loss] filter buffer was built, since the page opened. */
  filterBuilds: number
  /** Frames deck.gl has drawn. */
  framesDrawn: number
  /** JavaScript time of deck.gl's last frames (layer updates and draw calls), ms, latest first (at most 240). */
  deckFrameMs: number[]
  /** JavaScript time on our side per kind of change. */
  updates: Partial<Record<UpdateCause, UpdateTimes>>
  /** Chips drawn as points and as footprints in the last layer list (hidden ones not counted). */
  chipsAsPoints: number
  chipsAsFootprints: number
}

export const mapStats: MapStats = {
  rankingVersion: 0,
  rankingsDrawn: 0,
  rankingToDrawnMs: [],
  colourBuilds: 0,
  filterBuilds: 0,
  framesDrawn: 0,
  deckFrameMs: [],
  updates: {},
  chipsAsPoints: 0,
  chipsAsFootprints: 0,
}

export function recordUpdate(cause: UpdateCause, ms: number): void {
  const u = (mapStats.updates[cause] ??= { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 })
  u.count++
  u.totalMs += ms
  u.maxMs = Math.max(u.maxMs, ms)
  u.lastMs = ms
}

const STORED = 'chipfinder:ranking-stored'
const DRAWN = 'chipfinder:ranking-drawn'
const MEASURE = 'chipfinder:ranking-to-drawn'
let pending: { version: number; at: number } | null = null

/** A ranking was stored (the store's rankingVersion moved): start the clock. */
export function rankingStored(version: number): void {
  performance.clearMarks(STORED)
  performance.mark(STORED, { detail: { version } })
  pending = { version, at: performance.now() }
}

/** deck.gl finished a frame: if a ranking was waiting for one, it is on screen now. */
export function frameDrawn(deckFrameMs: number): void {
  mapStats.framesDrawn++
  mapStats.deckFrameMs.unshift(deckFrameMs)
  if (mapStats.deckFrameMs.length > 240) mapStats.deckFrameMs.length = 240
  if (!pending) return
  const ms = performance.now() - pending.at
  performance.clearMarks(DRAWN)
  performance.clearMeasures(MEASURE)
  performance.mark(DRAWN, { detail: { version: pending.version } })
  performance.measure(MEASURE, { start: STORED, end: DRAWN, detail: { version: pending.version } })
  mapStats.rankingsDrawn++
  mapStats.rankingToDrawnMs = [ms, ...mapStats.rankingToDrawnMs].slice(0, 20)
  pending = null
}

/** A plain copy, safe to hand to a test through page.evaluate. */
export function snapshotMapStats(): MapStats {
  return JSON.parse(JSON.stringify(mapStats)) as MapStats
}
