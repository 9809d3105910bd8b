// A small read-only window into the app for end-to-end tests (and curious people): where a
// chip is on screen, and what the current ranking is. It changes nothing, so it is safe to
// leave in production builds.

import { registry } from './registry.ts'
import { mapHandle } from '../map/map-handle.ts'
import { useAppStore } from '../state/store.ts'

export interface ChipfinderTestApi {
  /** True once a dataset is on the map and the map has finished drawing. */
  isIdle(): boolean
  /** Viewport coordinates (CSS px) of a chip's centre, or null if it isn't loaded or on screen. */
  chipScreenPoint(id: string): { x: number; y: number } | null
  /** Chip ids by rank, with scores; null before there is a ranking. */
  ranking(limit?: number): { id: string; score: number }[] | null
  /** Ids of all loaded chips, in file order. */
  chipIds(): string[]
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
      return !!map && !!registry.dataset && useAppStore.getState().loadStatus !== 'loading' && map.loaded() && !map.isMoving()
    },
    chipScreenPoint(id) {
      const ds = registry.dataset
      const map = mapHandle.map
      const row = ds?.rowOf.get(id)
      if (!ds || !map || row === undefined) return null
      const p = map.project([ds.centres[2 * row]!, ds.centres[2 * row + 1]!])
      const rect = map.getContainer().getBoundingClientRect()
      if (p.x < 0 || p.y < 0 || p.x > rect.width || p.y > rect.height) return null
      return { x: rect.left + p.x, y: rect.top + p.y }
    },
    ranking(limit = Infinity) {
      const ds = registry.dataset
      const r = registry.ranking
      if (!ds || !r || r.datasetId !== ds.datasetId) return null
      const n = Math.min(limit, r.order.length)
      return Array.from(r.order.subarray(0, n), (row) => ({ id: ds.chips.ids[row]!, score: r.scores[row]! }))
    },
    chipIds() {
      return registry.dataset ? [...registry.dataset.chips.ids] : []
    },
  }
  window.__chipfinder = Object.freeze(api)
}
