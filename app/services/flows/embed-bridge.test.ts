import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEmbedBridge, type BridgeDeps, type IncomingMessage } from './embed-bridge.ts'
import { useAppStore } from '../../state/store.ts'
import { createRegistry } from '../resources/registry.ts'

const registry = createRegistry()
import { ChipCollection } from '../../lib/chip-collection.ts'

const initial = useAppStore.getState()
const state = () => useAppStore.getState()
const HOST = 'https://host.example'
const cmd = (fields: Record<string, unknown>) => ({ source: 'chipfinder', version: 1, ...fields })

interface Posted {
  message: Record<string, unknown>
  origin: string
}

function setup(overrides: Partial<BridgeDeps> = {}) {
  const posted: Posted[] = []
  const parent = { postMessage: (message: unknown, origin: string) => posted.push({ message: message as Record<string, unknown>, origin }) }
  let handler: ((e: IncomingMessage) => void) | null = null
  const flyTo = vi.fn<BridgeDeps['flyTo']>(() => null)
  const stop = createEmbedBridge({
    registry,
    allowed: [HOST],
    parent,
    parentOrigin: HOST,
    listen: (h) => {
      handler = h
      return () => (handler = null)
    },
    flyTo,
    ...overrides,
  })
  const receive = (data: unknown, origin = HOST, source: unknown = parent) => handler?.({ data, origin, source })
  return { posted, parent, receive, stop, flyTo, listening: () => handler !== null }
}

/** A ranking of four chips, as the ranking service would store it. */
function rankFourChips() {
  const chips = new ChipCollection()
  const rings: number[] = []
  for (let i = 0; i < 4; i++) rings.push(i, 0, i + 1, 0, i + 1, 1, i, 1, i, 0)
  chips.add('f', { ids: ['c0', 'c1', 'c2', 'c3'], dates: [null, null, null, null], sourceUrls: [null, null, null, null], ringCoords: new Float64Array(rings), ringStarts: Uint32Array.of(0, 5, 10, 15, 20) })
  registry.epoch = 1
  registry.chips = chips
  registry.ranking = {
    epoch: 1,
    scores: Float32Array.of(0.1, 0.9, -0.2, 0.5),
    top: Uint32Array.of(1, 3, 0, 2),
    method: 'mean',
    suggestions: new Uint32Array(0),
    range: [-1, 1],
    stats: {} as never,
  }
  useAppStore.setState({ rankingVersion: state().rankingVersion + 1, datasetVersion: state().datasetVersion + 1 })
}

let stops: (() => void)[] = []
beforeEach(() => {
  vi.useFakeTimers()
  useAppStore.setState(initial, true)
  registry.chips = null
  registry.ranking = null
})
afterEach(() => {
  for (const stop of stops) stop()
  stops = []
  vi.useRealTimers()
})
const start = (overrides: Partial<BridgeDeps> = {}) => {
  const bridge = setup(overrides)
  stops.push(bridge.stop)
  return bridge
}

describe('embed bridge', () => {
  it('with no allowed origin, listens to nothing and posts nothing, not even ready', () => {
    const bridge = start({ allowed: [] })
    expect(bridge.listening()).toBe(false)
    state().setThreshold(0.3)
    vi.runAllTimers()
    expect(bridge.posted).toEqual([])
  })

  it('says ready to the allowed parent, with an explicit target origin', () => {
    const bridge = start()
    expect(bridge.posted).toEqual([{ origin: HOST, message: expect.objectContaining({ source: 'chipfinder', version: 1, type: 'ready', dataset: null }) }])
  })

  it('carries out commands from the allowed parent and answers each with its id', () => {
    const bridge = start()
    bridge.receive(cmd({ type: 'setThreshold', id: 't1', value: 0.42 }))
    expect(state().threshold).toBe(0.42)
    bridge.receive(cmd({ type: 'setExamples', id: 2, positives: ['c1'], negatives: ['c2'] }))
    expect(state().positives).toEqual(['c1'])
    expect(state().negatives).toEqual(['c2'])
    bridge.receive(cmd({ type: 'setDataset', id: 'd', url: 'https://data.example/set.parquet' }))
    expect(state().datasetUrl).toBe('https://data.example/set.parquet')
    bridge.receive(cmd({ type: 'flyTo', id: 'b', bbox: [-166, 65, -165, 66] }))
    expect(state().fitRequest?.bbox).toEqual([-166, 65, -165, 66])
    bridge.receive(cmd({ type: 'flyTo', id: 'p', lon: 10, lat: 20, zoom: 5 }))
    expect(bridge.flyTo).toHaveBeenCalledWith(10, 20, 5)
    const answers = bridge.posted.filter((p) => p.message.type === 'ack')
    expect(answers.map((p) => [p.message.id, p.message.command, p.origin])).toEqual([
      ['t1', 'setThreshold', HOST],
      [2, 'setExamples', HOST],
      ['d', 'setDataset', HOST],
      ['b', 'flyTo', HOST],
      ['p', 'flyTo', HOST],
    ])
  })

  it('says ready and the selection again when a host that listened late asks with getState', () => {
    const bridge = start()
    useAppStore.setState({ positives: ['c1'], negatives: [] })
    const before = bridge.posted.length
    bridge.receive(cmd({ type: 'getState', id: 'g' }))
    expect(bridge.posted.slice(before).map((p) => [p.message.type, p.origin])).toEqual([
      ['ack', HOST],
      ['ready', HOST],
      ['selection', HOST],
    ])
    expect(bridge.posted.at(-1)!.message).toMatchObject({ positives: ['c1'], negatives: [], chosen: null })
  })

  it('answers a bad command with an error and changes nothing', () => {
    const bridge = start()
    bridge.receive(cmd({ type: 'setDataset', id: 'x', url: 'javascript:alert(document.domain)' }))
    bridge.receive(cmd({ type: 'setThreshold', id: 'y', value: 1e9 }))
    expect(state().datasetUrl).toBeNull()
    expect(state().threshold).toBeNull()
    expect(bridge.posted.filter((p) => p.message.type === 'error').map((p) => p.message.id)).toEqual(['x', 'y'])
  })

  it('reports a command that could not run', () => {
    const bridge = start({ flyTo: () => 'The map is not ready yet.' })
    bridge.receive(cmd({ type: 'flyTo', id: 'f', lon: 0, lat: 0 }))
    expect(bridge.posted.at(-1)!.message).toMatchObject({ type: 'error', id: 'f', command: 'flyTo', message: 'The map is not ready yet.' })
  })

  it('ignores, without an answer, messages from another origin or another window', () => {
    const bridge = start()
    const before = bridge.posted.length
    bridge.receive(cmd({ type: 'setThreshold', id: 'o', value: 0.9 }), 'https://evil.example')
    bridge.receive(cmd({ type: 'setThreshold', id: 'o', value: 0.9 }), 'null')
    bridge.receive(cmd({ type: 'setThreshold', id: 's', value: 0.9 }), HOST, { postMessage() {} })
    bridge.receive(cmd({ type: 'setThreshold', id: 'n', value: 0.9 }), HOST, null)
    expect(state().threshold).toBeNull()
    expect(bridge.posted.length).toBe(before)
  })

  it('posts results (the top chips above the threshold, as the list shows them) once per burst of changes', () => {
    const bridge = start()
    rankFourChips()
    state().setThreshold(0.2)
    state().setThreshold(0.3)
    expect(bridge.posted.filter((p) => p.message.type === 'results')).toHaveLength(0)
    vi.advanceTimersByTime(150)
    const results = bridge.posted.filter((p) => p.message.type === 'results')
    expect(results).toHaveLength(1)
    expect(results[0]!.message).toMatchObject({
      count: 4,
      above: 2,
      threshold: 0.3,
      method: 'mean',
      top: [
        { id: 'c1', score: expect.closeTo(0.9, 5), rank: 1 },
        { id: 'c3', score: expect.closeTo(0.5, 5), rank: 2 },
      ],
    })
    expect(results[0]!.origin).toBe(HOST)
    // The same results again (a change that moves nothing) are not posted twice.
    useAppStore.setState({ datasetVersion: state().datasetVersion + 1 })
    vi.advanceTimersByTime(150)
    expect(bridge.posted.filter((p) => p.message.type === 'results')).toHaveLength(1)
  })

  it('posts the selection when the examples change or a result is chosen', () => {
    const bridge = start()
    rankFourChips()
    state().toggleExample('c1', 'positive')
    vi.advanceTimersByTime(150)
    state().focusRow(3)
    vi.advanceTimersByTime(150)
    const selections = bridge.posted.filter((p) => p.message.type === 'selection').map((p) => p.message)
    expect(selections).toEqual([
      expect.objectContaining({ positives: ['c1'], negatives: [], areas: 0, chosen: null }),
      expect.objectContaining({ positives: ['c1'], chosen: 'c3' }),
    ])
  })

  it('without a reported parent origin, waits for the first allowed command before posting anything', () => {
    const bridge = start({ parentOrigin: null })
    expect(bridge.posted).toEqual([])
    bridge.receive(cmd({ type: 'setThreshold', id: 1, value: 0 }))
    expect(bridge.posted.map((p) => [p.message.type, p.origin])).toEqual([
      ['ready', HOST],
      ['ack', HOST],
    ])
  })

  it('posts no events to a parent whose reported origin is not allowed', () => {
    const bridge = start({ parentOrigin: 'https://evil.example' })
    rankFourChips()
    vi.runAllTimers()
    expect(bridge.posted).toEqual([])
  })
})
