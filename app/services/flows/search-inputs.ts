// What the in-view ranking (ranking.ts) and the whole-archive search (archive.ts) are both made
// from, and how each runs: one search at a time, with the changes that arrive meanwhile folded
// into one more after it.

import type { DrawnArea } from '../../state/store.ts'
import type { Registry } from '../resources/registry.ts'

/** The drawn areas whose vectors are ready for this dataset, as the search worker's query vectors. */
export function areaQueries(registry: Registry, areas: readonly DrawnArea[], epoch: number): { vector: Float32Array; label: 'positive' | 'negative' }[] {
  const out: { vector: Float32Array; label: 'positive' | 'negative' }[] = []
  for (const area of areas) {
    const entry = registry.areas.get(area.id)
    if (entry && entry.epoch === epoch) out.push({ vector: entry.vector, label: area.label })
  }
  return out
}

/** Which areas are examples, and how: a change here (not in dates or scene) searches again. */
export function labelsOf(areas: readonly DrawnArea[]): string {
  return areas.map((a) => `${a.id}:${a.label}`).join()
}

/** `run` one at a time: a request while one runs makes exactly one more run after it. */
export function foldingRunner(run: () => Promise<void>): () => void {
  let running = false
  let again = false
  const request = (): void => {
    if (running) {
      again = true
      return
    }
    running = true
    void run().finally(() => {
      running = false
      if (again) {
        again = false
        request()
      }
    })
  }
  return request
}
