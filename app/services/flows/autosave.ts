// The session, kept: the search (everything a link shares, plus the examples from a labels file
// with their vectors) is saved to IndexedDB 500 ms after each change and when the page is hidden,
// and comes back when the app is opened again at its bare address. An address with a search of
// its own (a link) wins. A search on a file from the person's computer comes back when that file
// is opened again (the app can't reopen it by itself). Stored data that is corrupt or foreign is
// ignored with a notice. Two tabs: the last one to save wins (docs/notes.md).

import { debounced } from '../../lib/debounce.ts'
import { decodeUrlState, encodeUrlParts } from '../../lib/url-state.ts'
import { encodeLabelsFile, parseLabelsFile } from '../../lib/labels-file.ts'
import { addressHasSearch, encodeSession, parseSession, type SessionSnapshot } from '../../lib/session-snapshot.ts'
import { useAppStore, type AppState } from '../../state/store.ts'
import { useFileExamples } from '../../state/file-examples.ts'
import { useRestoredSession } from '../../state/restored-session.ts'
import { KEPT_PARAMS, readUrlIntoStore, searchChanged, shareableState } from './url-sync.ts'
import { deleteSession, readSession, writeSession } from './session-store.ts'
import type { LabelsActions } from '../actions/labels.ts'
import type { FileExamples } from '../actions/file-examples.ts'

export const SAVE_DELAY_MS = 500

/** Parameters that say how the page is shown, not what is searched for. */
const PAGE_PARAMS = [...KEPT_PARAMS]

export interface AutosaveDeps {
  labels: LabelsActions
  fileExamples: FileExamples
  /** False in an embed: it shows the search its link names and keeps nothing (someone else's page). */
  keep: boolean
}

export interface Autosave {
  /** Start over: the restored examples go (one step Undo takes back), the note with them. */
  startOver(): void
  /** Hide the restored-session note. */
  dismissRestored(): void
  stop(): void
}

/**
 * Restore the last session when the address is bare, then keep saving. Call before the dataset
 * service starts (so that the restored dataset is the one opened). Never throws.
 */
export async function startAutosave({ labels, fileExamples, keep }: AutosaveDeps): Promise<Autosave> {
  /** A search on a local file, waiting for that file to be opened again. */
  let pendingLocal: SessionSnapshot | null = null

  function snapshot(s: AppState): SessionSnapshot {
    const labelsFile = labels.fileExamplesAsLabels()
    return {
      savedAt: new Date().toISOString(),
      link: encodeUrlParts(shareableState(s)),
      localFileName: s.localFileName,
      fileExamples: labelsFile ? encodeLabelsFile(labelsFile) : null,
    }
  }

  function restoreFileExamples(text: string | null): void {
    const parsed = text ? parseLabelsFile(text) : null
    if (!parsed?.ok) return
    const { chips, space, dataset } = parsed.file
    const fileName = dataset.file ?? 'a labels file'
    fileExamples.add(
      chips.map((c) => ({ id: c.id, label: c.label, date: c.date, footprint: c.footprint, fileName })),
      new Map(chips.map((c) => [c.id, c.vector])),
      space,
    )
  }

  function countExamples(session: SessionSnapshot): number {
    const { state } = decodeUrlState(session.link.search, session.link.hash)
    const parsed = session.fileExamples ? parseLabelsFile(session.fileExamples) : null
    const fromFile = parsed?.ok ? parsed.file.chips.length : 0
    return state.positives.length + state.negatives.length + state.areas.length + fromFile
  }

  function startOver(): void {
    const s = useAppStore.getState()
    s.clearExamples()
    fileExamples.clear()
    s.setThreshold(null)
    pendingLocal = null
    useRestoredSession.setState({ state: null, localFileName: null, examples: 0 })
  }

  function dismissRestored(): void {
    useRestoredSession.setState({ state: null })
  }

  function applyPendingLocal(): void {
    const session = pendingLocal
    const s = useAppStore.getState()
    if (!session || s.localFileName !== session.localFileName || s.summary?.fileName !== session.localFileName) return
    pendingLocal = null
    const { state } = decodeUrlState(session.link.search, session.link.hash)
    s.addExamples({ positives: state.positives, negatives: state.negatives, areas: state.areas })
    useAppStore.setState({ mode: state.mode, method: state.method, threshold: state.threshold })
    if (session.fileExamples) {
      const parsed = parseLabelsFile(session.fileExamples)
      if (parsed.ok) labels.apply(parsed.file, parsed.file.dataset.file ?? 'a labels file')
    }
    useRestoredSession.setState({ state: 'restored' })
  }

  if (!keep) return { startOver, dismissRestored, stop() {} }
  const notify = (level: 'info' | 'warning', text: string) => useAppStore.getState().notify(level, text)
  if (!addressHasSearch(window.location.search, window.location.hash, PAGE_PARAMS)) {
    const stored = await readSession()
    if (stored !== null && stored !== undefined) {
      const parsed = parseSession(stored)
      if (!parsed.ok) {
        notify('warning', 'A saved search in this browser could not be read, so the app started fresh. Nothing else was changed.')
        void deleteSession()
      } else if (parsed.session.localFileName !== null) {
        pendingLocal = parsed.session
        const n = countExamples(parsed.session)
        useRestoredSession.setState({ state: 'local', localFileName: parsed.session.localFileName, examples: n })
      } else {
        const { link, fileExamples } = parsed.session
        const n = countExamples(parsed.session)
        readUrlIntoStore(link.search, link.hash, 'saved')
        restoreFileExamples(fileExamples)
        if (n > 0) useRestoredSession.setState({ state: 'restored', localFileName: null, examples: n })
      }
    }
  }

  const save = debounced(() => {
    // A search waiting for its local file isn't overwritten by the empty page meanwhile.
    if (pendingLocal) return
    void writeSession(encodeSession(snapshot(useAppStore.getState())))
  }, SAVE_DELAY_MS)
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (pendingLocal) {
      applyPendingLocal()
      // The person started labelling something else: their new search is the one to keep.
      if (pendingLocal && (s.positives !== prev.positives || s.negatives !== prev.negatives || s.areas !== prev.areas) && s.positives.length + s.negatives.length + s.areas.length > 0) {
        pendingLocal = null
        useRestoredSession.setState({ state: null })
      }
    }
    if (searchChanged(s, prev)) save.schedule()
  })
  const unsubscribeFile = useFileExamples.subscribe((s, prev) => {
    if (s.version !== prev.version) save.schedule()
  })
  window.addEventListener('pagehide', save.flush)
  return {
    startOver,
    dismissRestored,
    stop() {
      unsubscribe()
      unsubscribeFile()
      window.removeEventListener('pagehide', save.flush)
      save.cancel()
    },
  }
}
