// A small window into the app for end-to-end tests (and curious people): where a chip is on
// screen, what the current ranking is, and a way to move the camera. It changes no data, so it
// is safe to leave in production builds.

import { rankedRows } from '../lib/export.ts'
import { currentRanking, registry } from './registry.ts'
import { mapHandle } from '../map/map-handle.ts'
import { useAppStore } from '../state/store.ts'
import type { FileStatus } from '../lib/catalog/load-plan.ts'
import { snapshotMapStats, type MapStats } from '../map/map-stats.ts'

export interface ChipfinderTestApi {
  /** True once chips are on the map, nothing is loading, and the map has finished drawing. */
  isIdle(): boolean
  /** Viewport coordinates (CSS px) of a chip's centre, or null if it isn't loaded or on screen. */
  chipScreenPoint(id: string): { x: number; y: number } | null
  /** The current ranking's score of one chip; null before a ranking, or for a chip it didn't score. */
  chipScore(id: string): number | null
  /** Chip ids by rank, with scores; null before there is a ranking. */
  ranking(limit?: number): { id: string; score: number }[] | null
  /** Ids of all loaded chips, in load order. */
  chipIds(): string[]
  /** Files of the open dataset and their states. */
  files(): { key: string; status: FileStatus; rows: number | null }[]
  /** Move the camera to show [west, south, east, north] at once, as a person panning there would. */
  jumpTo(bbox: [number, number, number, number]): void
  /**
   * What the map has drawn and how long it took: colour and filter buffers built, JavaScript time
   * per kind of change, ranking-stored → drawn latencies, frames (app/map/map-stats.ts).
   */
  mapStats(): MapStats
}

declare global {
  interface Window {
    __chipfinder?: ChipfinderTestApi
  }
}

export function installTestApi(): void {
  const api: ChipfinderTestApi = {
    isIdle() {
      const map = mapHandle.map
      const s = useAppStore.getState()
      return !!map && !!registry.chips && s.loadStatus !== 'loading' && s.filesProgress === null && map.loaded() && !map.isMoving()
    },
    chipScreenPoint(id) {
      const chips = registry.chips
      const map = mapHandle.map
      const row = chips?.rowOf(id)
      if (!chips || !map || row === undefined) return null
      const p = map.project(chips.centre(row))
      const rect = map.getContainer().getBoundingClientRect()
      if (p.x < 0 || p.y < 0 || p.x > rect.width || p.y > rect.height) return null
      return { x: rect.left + p.x, y: rect.top + p.y }
    },
    chipScore(id) {
      const row = registry.chips?.rowOf(id)
      const r = currentRanking()
      return r && row !== undefined && row < r.scores.length ? r.scores[row]! : null
    },
    ranking(limit = Infinity) {
      const chips = registry.chips
      const r = currentRanking()
      if (!chips || !r) return null
      return rankedRows(r.top, r.scores, null, limit).map(({ row, score }) => ({ id: chips.id(row), score }))
    },
    chipIds() {
      return registry.chips?.allIds() ?? []
    },
    files() {
      return registry.files.map((f) => ({ key: f.key, status: f.status, rows: f.rows }))
    },
    jumpTo(bbox) {
      mapHandle.map?.fitBounds(
        [
          [bbox[0], bbox[1]],
          [bbox[2], bbox[3]],
        ],
        { duration: 0, padding: 0 },
      )
    },
    mapStats: snapshotMapStats,
  }
  window.__chipfinder = Object.freeze(api)
}
