// The page URL as a view of the shareable state: read once at start, then written back with
// replaceState, debounced (browsers throttle history calls) and only when it really changed.

import { decodeUrlState, encodeUrlParts, type UrlState } from '../../lib/url-state.ts'
import { debounced } from '../../lib/debounce.ts'
import { EMBED_PARAMS } from '../../lib/embed/origins.ts'
import { useAppStore, type AppState } from '../../state/store.ts'
import { anyChanged, SEARCH_KEYS, searchOf, storeFieldsOf } from '../../state/search-fields.ts'

const WRITE_DELAY_MS = 250

/** Parameters that are not part of the search but say how the page is shown (embed mode and the
 * origins an embed talks to); rewriting the address keeps them, after the search's own. */
export const KEPT_PARAMS = EMBED_PARAMS

/** The kept parameters of a query string, as `&key=value…` (empty when there are none). */
export function keptParams(search: string): string {
  const params = new URLSearchParams(search)
  let out = ''
  for (const key of KEPT_PARAMS) for (const value of params.getAll(key)) out += `&${key}=${encodeURIComponent(value)}`
  return out
}

/** What a link shares of the store's state (app/state/search-fields.ts lists the fields). */
export function shareableState(s: AppState): UrlState {
  return searchOf(s)
}

/** Whether anything a link shares, or the local file that keeps it from being shared, changed. */
export function searchChanged(s: AppState, prev: AppState): boolean {
  return anyChanged(SEARCH_KEYS, s, prev) || s.localFileName !== prev.localFileName
}

/**
 * Put a link's search in the store. `from` says whose it is: a link the page was opened with
 * (it says "Opening a shared search" while it loads), or the search saved in this browser
 * (app/services/flows/autosave.ts, which says so itself).
 */
export function readUrlIntoStore(search: string, hash = '', from: 'link' | 'saved' = 'link'): void {
  const { state, problems } = decodeUrlState(search, hash)
  useAppStore.setState({
    ...storeFieldsOf(state),
    sharedOpen:
      from === 'link' && state.positives.length + state.negatives.length + state.areas.length > 0
        ? { examples: state.positives.length + state.negatives.length, areas: state.areas.length }
        : null,
  })
  if (problems.length > 0)
    useAppStore.getState().notify('warning', `Part of ${from === 'link' ? 'this link' : 'the saved search'} was ignored. ${problems.join(' ')}`)
}

/** Keep the address bar in step with the store. Returns a function that stops it. */
export function startUrlSync(): () => void {
  const write = debounced(() => {
    const s = useAppStore.getState()
    // A file from the person's own computer can't be shared by link; leave the address as it was.
    if (s.localFileName !== null) return
    const link = encodeUrlParts(shareableState(s))
    const kept = keptParams(window.location.search)
    const search = kept ? (link.search ? `${link.search}${kept}` : `?${kept.slice(1)}`) : link.search
    // A fragment of ours (`#s&…`) holds what didn't fit in the query; any other fragment is kept.
    const current = window.location.hash
    const hash = link.hash || (current === '#s' || current.startsWith('#s&') ? '' : current)
    if (search !== window.location.search || hash !== current) {
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${hash}`)
    }
  }, WRITE_DELAY_MS)
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    // A shared search is open once it is ranked; a failed load, or a labelling step of the person's
    // own, ends the "opening" state too.
    if (
      s.sharedOpen &&
      ((s.rankingStatus === 'ready' && s.rankingVersion !== prev.rankingVersion) ||
        s.loadStatus === 'error' ||
        s.undoSteps !== prev.undoSteps ||
        s.positives.length + s.negatives.length + s.areas.length === 0)
    ) {
      useAppStore.setState({ sharedOpen: null })
    }
    if (searchChanged(s, prev)) write.schedule()
  })
  window.addEventListener('pagehide', write.flush)
  return () => {
    unsubscribe()
    window.removeEventListener('pagehide', write.flush)
    write.cancel()
  }
}

/**
 * The link that opens this search anywhere: the page's address with the search in its query (and,
 * for a long search, its `#s&` fragment). Embed parameters are not part of it. Null while a file
 * from this computer is open: nobody else could open it.
 */
export function shareLink(s: AppState = useAppStore.getState(), location: Pick<Location, 'origin' | 'pathname'> = window.location): string | null {
  if (s.localFileName !== null) return null
  const link = encodeUrlParts(shareableState(s))
  return `${location.origin}${location.pathname}${link.search}${link.hash}`
}
