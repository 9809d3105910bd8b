// The area service against the real search worker handlers (in-process) and the real store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createInProcessSearchClient } from '../../../../workers/search/client.ts'
import { ChipCollection } from '../../../lib/chip-collection.ts'
import { useAppStore } from '../../../state/store.ts'
import { createRegistry } from '../../resources/registry.ts'
import { CANCELLED_MESSAGE, NO_CHIPS_MESSAGE, startAreaService, type AreaEmbedder, type AreaService } from './area-service.ts'

const mode = vi.hoisted(() => ({ value: 'stored' as 'stored' | 'encoder' }))
vi.mock('./area-mode.ts', () => ({ areaModeFor: () => mode.value }))

const initial = useAppStore.getState()
const state = () => useAppStore.getState()
const dims = 4
// Four 0.01° chips side by side along the equator; chip i's vector is [i, 1, 0, 0].
const data = Float32Array.from({ length: 4 * dims }, (_, k) => (k % dims === 0 ? k / dims : k % dims === 1 ? 1 : 0))
const rect = (w: number, e: number): [number, number][] => [
  [w, 0.002],
  [e, 0.002],
  [e, 0.008],
  [w, 0.008],
]

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(check()).toBe(true)
}

const registry = createRegistry()
/** What the service's encoder does in a test (the composition root hands it the real one). */
let encoder: AreaEmbedder | null = null
let service: AreaService
beforeEach(async () => {
  useAppStore.setState(initial, true)
  mode.value = 'stored'
  const chips = new ChipCollection()
  const rings: number[] = []
  for (let i = 0; i < 4; i++) rings.push(i * 0.01, 0, i * 0.01 + 0.01, 0, i * 0.01 + 0.01, 0.01, i * 0.01, 0.01, i * 0.01, 0)
  chips.add('f', { ids: ['c0', 'c1', 'c2', 'c3'], dates: [null, null, null, null], sourceUrls: [null, null, null, null], ringCoords: new Float64Array(rings), ringStarts: Uint32Array.of(0, 5, 10, 15, 20) })
  const search = createInProcessSearchClient()
  registry.epoch = 1
  registry.chips = chips
  registry.areas.clear()
  await search.call('reset', { epoch: 1 })
  await search.call('addSegment', { epoch: 1, embeddings: data.slice(), count: 4, dims })
  service = startAreaService({ search, registry, encoder: (area, ctx) => encoder!(area, ctx) })
})
afterEach(() => {
  service.stop()
  encoder = null
})

describe('area service', () => {
  it('stored mode: the overlap-weighted mean of the chips under the area, and the chips it covers', async () => {
    // All of c1 and half of c2.
    const id = state().addArea({ label: 'positive', shape: 'rectangle', ring: rect(0.01, 0.025) })
    await until(() => state().areaStatus[id]?.state === 'ready')
    const entry = registry.areas.get(id)!
    expect(Array.from(entry.covered!)).toEqual([1, 2])
    expect(entry.vector[0]).toBeCloseTo((1 * 1 + 2 * 0.5) / 1.5, 5)
    expect(entry.vector[1]).toBeCloseTo(1, 6)
    expect(state().areaStatus[id]!.info!.chips).toBe(2)
    expect(state().areaVersion).toBe(1)
    // Relabelling doesn't remake the vector; removing drops it.
    state().setAreaLabel(id, 'negative')
    expect(state().areaVersion).toBe(1)
    state().removeArea(id)
    expect(registry.areas.has(id)).toBe(false)
    expect(state().areaStatus[id]).toBeUndefined()
    expect(state().areaVersion).toBe(2)
  })

  it('says so when no loaded chip is under the area, and keeps the area', async () => {
    const id = state().addArea({ label: 'positive', shape: 'rectangle', ring: rect(5, 5.01) })
    await until(() => state().areaStatus[id]?.state === 'error')
    expect(state().areaStatus[id]!.message).toBe(NO_CHIPS_MESSAGE)
    expect(state().areas).toHaveLength(1)
  })

  it('encoder mode: progress, remember without restarting, cancel', async () => {
    mode.value = 'encoder'
    let calls = 0
    encoder = async (area, ctx) => {
      calls++
      ctx.progress({ step: 'model', label: 'Downloading the model', loaded: 5, total: 10 })
      ctx.remember({ scene: 'S2A_TEST', dates: { from: '2024-01-01', to: '2024-02-01' } })
      await new Promise((resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')))
        if (area.label === 'positive') setTimeout(resolve, 20)
      })
      return { vector: new Float32Array(dims).fill(1), info: { chips: 3, backend: 'wasm', notes: [] } }
    }
    const a = state().addArea({ label: 'positive', shape: 'rectangle', ring: rect(0, 0.01) })
    expect(state().areaStatus[a]!.step!.label).toBe('Downloading the model')
    await until(() => state().areaStatus[a]?.state === 'ready')
    expect(calls).toBe(1)
    expect(state().areas[0]!.scene).toBe('S2A_TEST')
    // A negative never finishes here: cancel it.
    const b = state().addArea({ label: 'negative', shape: 'rectangle', ring: rect(0, 0.01) })
    expect(state().areaStatus[b]!.state).toBe('working')
    service.cancel(b)
    expect(state().areaStatus[b]).toMatchObject({ state: 'error', message: CANCELLED_MESSAGE })
    // The person picks another scene: the vector is made again.
    state().setAreaScene(a, 'S2B_OTHER')
    expect(calls).toBe(3)
  })
})
