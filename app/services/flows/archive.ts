// Whole-archive search (docs/index-format.md): when a folder (or a catalog entry) opens, its
// archive index is looked for and read into the search worker; then, while the person searches
// "everywhere", every change of the examples, the method or the scope searches the whole index
// (codes scanned in the worker, the best candidates rescored exactly from their files). The
// in-view ranking (ranking.ts) keeps colouring the loaded chips meanwhile.
// One search runs at a time; changes that arrive meanwhile fold into one more after it.

import { INDEX_FOLDER, INDEX_HEADER_FILE } from '../../lib/archive/header.ts'
import { errorMessage, isAbortError } from '../../lib/errors.ts'
import { checkIdentity, datasetIdentity, type DatasetIdentity } from '../../lib/geoparquet/footer.ts'
import type { SearchClient } from '../../../workers/search/client.ts'
import type { ArchiveExample } from '../../../workers/search/protocol.ts'
import type { SourceProblem } from '../../lib/archive/rescore.ts'
import { useAppStore, type AppState } from '../../state/store.ts'
import { anyChanged } from '../../state/search-fields.ts'
import { useFileExamples } from '../../state/file-examples.ts'
import { areaQueries, foldingRunner, labelsOf } from './search-inputs.ts'
import type { Registry } from '../resources/registry.ts'
import type { FileExamples } from '../actions/file-examples.ts'

/** Results a whole-archive search returns: the list, the gallery and the map's markers. */
export const ARCHIVE_TOP_K = 100

/** What a whole-archive search is made from (and the index's state, archiveKey, and the areas' labels). */
export const ARCHIVE_INPUTS = ['positives', 'negatives', 'method', 'scope', 'areaVersion'] as const satisfies readonly (keyof AppState)[]

/** The index's state as far as searching goes (its progress while opening doesn't count). */
const archiveKey = (s: AppState) => (s.archive ? `${s.archive.status} ${s.archive.url}` : '')

/** The key of a folder's own index in its bucket, by the convention (docs/index-format.md, "Where it lives"). */
export function ownIndexKey(folderPrefix: string): string {
  const dir = folderPrefix === '' || folderPrefix.endsWith('/') ? folderPrefix : `${folderPrefix}/`
  return `${dir}${INDEX_FOLDER}/${INDEX_HEADER_FILE}`
}

export interface ArchiveService {
  /**
   * A folder (or catalog entry) opened as dataset `epoch` has an index at `indexUrl`: read it.
   * `listing` (the folder's files, URL and size) tells which files changed since it was built.
   */
  open(epoch: number, indexUrl: string, listing?: { url: string; bytes: number | null }[]): void
  /** A dataset without an index opened (one file): forget the last one's. */
  close(): void
  stop(): void
}

export interface ArchiveDeps {
  search: SearchClient
  registry: Registry
  fileExamples: FileExamples
  /** Settle the examples the loaded chips lack, now that no index will vouch for them. */
  settleExamples(): void
  /** A folder turned out to have no published index (local-index.ts may offer to make one). */
}


export function startArchiveService({ search, registry, fileExamples, settleExamples }: ArchiveDeps): ArchiveService {
  const store = useAppStore
  let opening: AbortController | null = null
  let searching: AbortController | null = null
  /** The index's identity, checked against the set's once its first file has loaded. */
  let indexIdentity: DatasetIdentity | null = null

  function clearResults(): void {
    if (registry.archiveResults === null && store.getState().archiveSearch === 'idle') return
    registry.archiveResults = null
    store.setState((s) => ({ archiveVersion: s.archiveVersion + 1, archiveSearch: 'idle' }))
  }

  function fail(url: string, message: string): void {
    store.setState({ archive: { url, status: 'error', chips: null, files: null, progress: null, message, notes: [] } })
    store.getState().notify('warning', `${message} The chips in view can still be searched.`)
    settleExamples()
  }

  async function open(epoch: number, url: string, listing?: { url: string; bytes: number | null }[]): Promise<void> {
    opening?.abort()
    searching?.abort()
    const controller = new AbortController()
    opening = controller
    indexIdentity = null
    registry.archiveResults = null
    store.setState((s) => ({
      archive: { url, status: 'opening', chips: null, files: null, progress: null, message: null, notes: [] },
      archiveVersion: s.archiveVersion + 1,
      archiveSearch: 'idle',
    }))
    try {
      const summary = await search.call(
        'openArchive',
        { epoch, url, ...(listing ? { listing } : {}) },
        {
          signal: controller.signal,
          onProgress: (p) => {
            const a = store.getState().archive
            if (a?.url === url && a.status === 'opening') store.setState({ archive: { ...a, progress: { bytes: p.bytes, totalBytes: p.totalBytes } } })
          },
        },
      )
      if (controller.signal.aborted || epoch !== registry.epoch) return
      indexIdentity = summary.identity
      store.setState({ archive: { url, status: 'ready', chips: summary.chips, files: summary.sources, progress: null, message: null, notes: summary.notes } })
      checkAgainstSet()
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted || epoch !== registry.epoch) return
      fail(url, `This set's index can't be used: ${errorMessage(err)}`)
    }
  }

  /** An index of another model than the set's loaded files is refused, in words. */
  function checkAgainstSet(): void {
    const a = store.getState().archive
    const summary = store.getState().summary
    if (!a || a.status !== 'ready' || !indexIdentity || !summary) return
    const why = checkIdentity(indexIdentity, datasetIdentity(summary))
    if (!why) return
    indexIdentity = null
    registry.archiveResults = null
    store.setState((s) => ({ archiveVersion: s.archiveVersion + 1, archiveSearch: 'idle' }))
    fail(a.url, `This set's index was made for other embeddings than its files hold (${why.replace(/this file/g, 'the index')}).`)
  }

  /** The examples as the worker takes them: loaded rows where they are loaded, else by id. */
  function examples(ids: readonly string[]): ArchiveExample[] {
    const chips = registry.chips
    return ids.map((id) => {
      const row = chips?.rowOf(id)
      return row !== undefined ? { row } : { id }
    })
  }

  async function run(): Promise<void> {
    const s = store.getState()
    const epoch = registry.epoch
    if (s.archive?.status !== 'ready' || s.scope !== 'everywhere') return clearResults()
    const queries = [...areaQueries(registry, s.areas, epoch), ...fileExamples.queries()]
    if (s.positives.length === 0 && !queries.some((q) => q.label === 'positive')) return clearResults()
    searching?.abort()
    const controller = new AbortController()
    searching = controller
    store.setState({ archiveSearch: 'searching' })
    try {
      const result = await search.call(
        'searchArchive',
        {
          epoch,
          positives: examples(s.positives),
          negatives: examples(s.negatives),
          queries,
          // The classifier needs every chip's vector; over the archive the examples' average stands in (the panel says so).
          method: s.method === 'max' ? 'max' : 'mean',
          topK: ARCHIVE_TOP_K,
        },
        { signal: controller.signal },
      )
      if (controller.signal.aborted || epoch !== registry.epoch) return
      if (!result) return clearResults()
      registry.archiveResults = result
      store.setState((st) => ({ archiveVersion: st.archiveVersion + 1, archiveSearch: 'ready' }))
      for (const p of result.problems) store.getState().notify('warning', archiveProblem(p))
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      store.setState({ archiveSearch: 'idle' })
      store.getState().notify('error', errorMessage(err))
    }
  }

  const request = foldingRunner(run)

  const unsubscribe = store.subscribe((s: AppState, prev: AppState) => {
    if (s.summary !== prev.summary) checkAgainstSet()
    if (anyChanged(ARCHIVE_INPUTS, s, prev) || archiveKey(s) !== archiveKey(prev) || (s.areas !== prev.areas && labelsOf(s.areas) !== labelsOf(prev.areas))) request()
  })
  const unsubscribeFile = useFileExamples.subscribe((s, prev) => {
    if (s.version !== prev.version) request()
  })

  return {
    open(epoch, url, listing) {
      void open(epoch, url, listing)
    },
    close() {
      opening?.abort()
      searching?.abort()
      indexIdentity = null
      registry.archiveResults = null
      if (store.getState().archive !== null) store.setState((s) => ({ archive: null, archiveVersion: s.archiveVersion + 1, archiveSearch: 'idle' }))
    },
    stop() {
      opening?.abort()
      searching?.abort()
      unsubscribe()
      unsubscribeFile()
    },
  }
}

function archiveProblem(p: SourceProblem): string {
  const name = p.key.slice(p.key.lastIndexOf('/') + 1)
  return p.kind === 'stale'
    ? `${name} has changed since the index was built, so its chips' scores are estimates. Rebuild the index to search it exactly.`
    : `${name} couldn't be read, so its chips' scores are estimates (${p.reason}).`
}
