// Connects the store to the search worker: opens datasets when the dataset changes, ranks when
// the examples or the mode change, and writes results to the registry. A newer request always
// cancels the one before it, so a slow answer never overwrites a newer one.

import { chipCentres, indexIds } from '../lib/chips.ts'
import { isAbortError, type SearchClient } from '../../workers/search/client.ts'
import type { DatasetSource } from '../../workers/search/protocol.ts'
import { useAppStore, type AppState } from '../state/store.ts'
import { registry } from './registry.ts'
import { fileNameFromUrl } from '../lib/http/range-buffer.ts'

export interface SearchService {
  /** Open a file from the person's computer; nothing leaves the browser. */
  openLocalFile(file: File): void
  /** Load the current dataset again (after an error, say). */
  reload(): void
  stop(): void
}

function rowsOf(ids: readonly string[], rowOf: Map<string, number>): number[] {
  const rows: number[] = []
  for (const id of ids) {
    const r = rowOf.get(id)
    if (r !== undefined) rows.push(r)
  }
  return rows
}

export function startSearchService(client: SearchClient, demoUrl: string): SearchService {
  const store = useAppStore
  let loadController: AbortController | null = null
  let rankController: AbortController | null = null
  let localFile: File | null = null

  function clearRanking(): void {
    rankController?.abort()
    registry.ranking = null
    store.setState((s) => ({ rankingVersion: s.rankingVersion + 1, rankingStatus: 'idle' }))
  }

  /** Drop examples the loaded dataset doesn't have, and say which. */
  function reconcileExamples(rowOf: Map<string, number>): void {
    const { positives, negatives, notify, setExamples } = store.getState()
    const unknown = [...positives, ...negatives].filter((id) => !rowOf.has(id))
    if (unknown.length === 0) return
    const shown = unknown.slice(0, 3).map((id) => `“${id}”`).join(', ')
    const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''
    notify(
      'warning',
      `${unknown.length === 1 ? 'Chip' : 'Chips'} ${shown}${more} ${unknown.length === 1 ? "isn't" : "aren't"} in this dataset, so ${unknown.length === 1 ? 'it was' : 'they were'} skipped.`,
    )
    setExamples(
      positives.filter((id) => rowOf.has(id)),
      negatives.filter((id) => rowOf.has(id)),
    )
  }

  async function load(source: DatasetSource, fileName: string): Promise<void> {
    loadController?.abort()
    const controller = new AbortController()
    loadController = controller
    store.setState({
      loadStatus: 'loading',
      loadError: null,
      loadProgress: { fileName, bytesRead: 0, totalBytes: null, chips: 0 },
    })
    try {
      const loaded = await client.load(
        { source },
        {
          signal: controller.signal,
          onProgress: (p) => store.setState({ loadProgress: { fileName, ...p } }),
        },
      )
      if (controller.signal.aborted) return
      const { chips } = loaded
      registry.dataset = {
        datasetId: loaded.datasetId,
        chips,
        centres: chipCentres(chips),
        rowOf: indexIds(chips.ids),
      }
      store.setState((s) => ({
        loadStatus: 'ready',
        summary: loaded.summary,
        datasetVersion: s.datasetVersion + 1,
        loadProgress: { fileName, bytesRead: s.loadProgress?.bytesRead ?? 0, totalBytes: s.loadProgress?.totalBytes ?? null, chips: chips.ids.length },
      }))
      if (loaded.skipped.length > 0) {
        const first = loaded.skipped[0]!
        store
          .getState()
          .notify(
            'warning',
            `${fileName}: ${loaded.skipped.length} chip${loaded.skipped.length > 1 ? 's were' : ' was'} skipped (row ${first.row}: ${first.reason}${loaded.skipped.length > 1 ? '; …' : ''}).`,
          )
      }
      reconcileExamples(registry.dataset.rowOf)
      clearRanking()
      rank()
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      const message = err instanceof Error ? err.message : String(err)
      store.setState({ loadStatus: 'error', loadError: message })
      store.getState().notify('error', message)
    }
  }

  function rank(): void {
    const ds = registry.dataset
    if (!ds) return
    const { positives, negatives, mode } = store.getState()
    const pos = rowsOf(positives, ds.rowOf)
    if (pos.length === 0) {
      clearRanking()
      return
    }
    rankController?.abort()
    const controller = new AbortController()
    rankController = controller
    store.setState({ rankingStatus: 'ranking' })
    client
      .rank({ datasetId: ds.datasetId, positives: pos, negatives: rowsOf(negatives, ds.rowOf), mode }, { signal: controller.signal })
      .then((result) => {
        if (controller.signal.aborted || registry.dataset !== ds) return
        registry.ranking = result
        store.setState((s) => ({ rankingVersion: s.rankingVersion + 1, rankingStatus: result ? 'ready' : 'idle' }))
      })
      .catch((err: unknown) => {
        if (isAbortError(err)) return
        store.setState({ rankingStatus: 'idle' })
        store.getState().notify('error', err instanceof Error ? err.message : String(err))
      })
  }

  function loadCurrent(): void {
    const { datasetUrl } = store.getState()
    if (localFile) {
      void load({ kind: 'file', file: localFile, fileName: localFile.name }, localFile.name)
      return
    }
    const url = datasetUrl ?? demoUrl
    void load({ kind: 'url', url }, fileNameFromUrl(url))
  }

  const unsubscribe = store.subscribe((s: AppState, prev: AppState) => {
    if (s.datasetUrl !== prev.datasetUrl) {
      localFile = null
      loadCurrent()
      return
    }
    if (s.positives !== prev.positives || s.negatives !== prev.negatives || s.mode !== prev.mode) rank()
  })

  loadCurrent()

  return {
    openLocalFile(file) {
      localFile = file
      store.setState({ localFileName: file.name })
      void load({ kind: 'file', file, fileName: file.name }, file.name)
    },
    reload: loadCurrent,
    stop() {
      unsubscribe()
      loadController?.abort()
      rankController?.abort()
    },
  }
}
