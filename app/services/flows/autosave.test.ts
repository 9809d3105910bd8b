// The autosave service around its storage (session-store.ts is replaced by an in-memory one):
// what comes back at a bare address, what waits for a local file, what a link or corrupt data
// does, and that changes are saved.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeSession, type SessionSnapshot } from '../../lib/session-snapshot.ts'
import { useAppStore } from '../../state/store.ts'
import { createRegistry } from '../resources/registry.ts'
import { createFileExamples } from '../actions/file-examples.ts'
import { createLabelsActions } from '../actions/labels.ts'
import type { SearchClient } from '../../../workers/search/client.ts'
import type { FileSummary } from '../../lib/geoparquet/types.ts'

const storage = vi.hoisted(() => ({ value: null as unknown, writes: [] as string[], deletes: 0 }))
vi.mock('./session-store.ts', () => ({
  readSession: async () => storage.value,
  writeSession: async (text: string) => {
    storage.writes.push(text)
    storage.value = text
    return true
  },
  deleteSession: async () => {
    storage.deletes++
    storage.value = null
    return true
  },
}))

const { startAutosave, SAVE_DELAY_MS } = await import('./autosave.ts')
const { useRestoredSession } = await import('../../state/restored-session.ts')

const initial = useAppStore.getState()
const search = {} as SearchClient
const registry = createRegistry()
const fileExamples = createFileExamples(registry)
const deps = { labels: createLabelsActions({ search, registry, fileExamples }), fileExamples, keep: true }

function session(over: Partial<SessionSnapshot> = {}): string {
  return encodeSession({
    savedAt: '2026-11-21T12:00:00.000Z',
    link: { search: '?v=1&positive=a,b&negative=c&mode=raw', hash: '' },
    localFileName: null,
    fileExamples: null,
    ...over,
  })
}

function at(search: string, hash = ''): void {
  vi.stubGlobal('window', { location: { search, hash }, addEventListener() {}, removeEventListener() {} })
}

describe('autosave', () => {
  let stop: (() => void) | null = null
  beforeEach(() => {
    useAppStore.setState(initial, true)
    useRestoredSession.setState({ state: null, localFileName: null, examples: 0 })
    storage.value = null
    storage.writes = []
    storage.deletes = 0
    vi.useFakeTimers()
  })
  afterEach(() => {
    stop?.()
    stop = null
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('brings the last search back at a bare address, and says so', async () => {
    storage.value = session()
    at('')
    stop = (await startAutosave(deps)).stop
    const s = useAppStore.getState()
    expect([s.positives, s.negatives, s.mode]).toEqual([['a', 'b'], ['c'], 'raw'])
    expect(useRestoredSession.getState()).toMatchObject({ state: 'restored', examples: 3 })
    // A restored search is not "a shared search" opening.
    expect(s.sharedOpen).toBeNull()
  })

  it('leaves a link with a search of its own alone (embed parameters alone are not a search)', async () => {
    storage.value = session()
    at('?positive=z')
    stop = (await startAutosave(deps)).stop
    expect(useAppStore.getState().positives).toEqual([])
    expect(useRestoredSession.getState().state).toBeNull()
    stop()
    at('?embed=1&allow=https%3A%2F%2Fhost.example')
    stop = (await startAutosave(deps)).stop
    expect(useAppStore.getState().positives).toEqual(['a', 'b'])
  })

  it('ignores corrupt stored data with a notice, and forgets it', async () => {
    storage.value = '{"format":"chipfinder-session","version":1,"link":42}'
    at('')
    stop = (await startAutosave(deps)).stop
    expect(useAppStore.getState().positives).toEqual([])
    expect(useAppStore.getState().notices.map((n) => n.text)).toEqual([expect.stringMatching(/saved search in this browser could not be read/)])
    expect(storage.deletes).toBe(1)
  })

  it('keeps a search on a local file waiting, unsaved over, until that file is opened again', async () => {
    storage.value = session({ localFileName: 'mine.parquet' })
    at('')
    stop = (await startAutosave(deps)).stop
    expect(useAppStore.getState().positives).toEqual([])
    expect(useRestoredSession.getState()).toMatchObject({ state: 'local', localFileName: 'mine.parquet', examples: 3 })
    // Meanwhile the demo opens and the page changes: the waiting search isn't overwritten.
    useAppStore.setState({ basemap: 'plain' })
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2)
    expect(storage.writes).toEqual([])
    // Another file of another name: still waiting.
    useAppStore.setState({ localFileName: 'other.parquet', summary: { fileName: 'other.parquet' } as FileSummary })
    expect(useAppStore.getState().positives).toEqual([])
    // The same file: its examples come back, as one step Undo takes back.
    useAppStore.setState({ localFileName: 'mine.parquet', summary: { fileName: 'mine.parquet' } as FileSummary })
    const s = useAppStore.getState()
    expect([s.positives, s.negatives, s.mode]).toEqual([['a', 'b'], ['c'], 'raw'])
    expect(useRestoredSession.getState().state).toBe('restored')
    s.undo()
    expect(useAppStore.getState().positives).toEqual([])
  })

  it('gives the waiting search up when the person labels something else first', async () => {
    storage.value = session({ localFileName: 'mine.parquet' })
    at('')
    stop = (await startAutosave(deps)).stop
    useAppStore.getState().toggleExample('x', 'positive')
    expect(useRestoredSession.getState().state).toBeNull()
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2)
    expect(storage.writes).toHaveLength(1)
    expect(JSON.parse(storage.writes[0]!).link.search).toContain('positive=x')
  })

  it('saves the search a moment after each change', async () => {
    at('')
    stop = (await startAutosave(deps)).stop
    useAppStore.getState().toggleExample('p1', 'positive')
    useAppStore.getState().setThreshold(0.5)
    expect(storage.writes).toEqual([])
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2)
    expect(storage.writes).toHaveLength(1)
    const saved = JSON.parse(storage.writes[0]!) as SessionSnapshot
    expect(saved.link.search).toMatch(/positive=p1.*threshold=0\.5/)
    expect(saved.localFileName).toBeNull()
  })
})
