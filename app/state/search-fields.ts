// The fields of the store that make a search, each listed once: how it is written into a link
// (and so into the saved session), how a link's value comes back into the store, and which store
// keys "did the search change" watches. The address bar, autosave and the share link are all
// derived from this list: a new field of a search is one more entry here (and its codec in
// app/lib/url-state.ts).

import { roundThreshold, type UrlState } from '../lib/url-state.ts'
import { DEFAULT_RESULT_COUNT } from '../lib/vocabulary.ts'
import type { AppState } from './store.ts'

interface SearchField {
  /** The store keys this field is made of: a change to any of them is a change of the search. */
  keys: readonly (keyof AppState)[]
  /** Its part of the link. */
  toLink(s: AppState): Partial<UrlState>
  /** Its part of the store, from a decoded link. */
  fromLink(u: UrlState): Partial<AppState>
}

export const SEARCH_FIELDS: readonly SearchField[] = [
  { keys: ['datasetUrl'], toLink: (s) => ({ dataset: s.datasetUrl }), fromLink: (u) => ({ datasetUrl: u.dataset }) },
  {
    keys: ['positives', 'negatives'],
    toLink: (s) => ({ positives: s.positives, negatives: s.negatives }),
    fromLink: (u) => ({ positives: u.positives, negatives: u.negatives }),
  },
  { keys: ['mode'], toLink: (s) => ({ mode: s.mode }), fromLink: (u) => ({ mode: u.mode }) },
  { keys: ['method'], toLink: (s) => ({ method: s.method }), fromLink: (u) => ({ method: u.method }) },
  {
    keys: ['threshold'],
    toLink: (s) => ({ threshold: s.threshold === null ? null : roundThreshold(s.threshold) }),
    fromLink: (u) => ({ threshold: u.threshold }),
  },
  { keys: ['basemap'], toLink: (s) => ({ basemap: s.basemap }), fromLink: (u) => ({ basemap: u.basemap }) },
  {
    keys: ['areas'],
    // Ids are not shared: a link's areas are numbered a1, a2, … in order when it is opened.
    toLink: (s) => ({ areas: s.areas.map(({ id: _id, ...area }) => area) }),
    fromLink: (u) => ({ areas: u.areas.map((area, i) => ({ ...area, id: `a${i + 1}` })) }),
  },
  {
    keys: ['datasetModel'],
    toLink: (s) => ({ model: s.datasetModel.modelId, stac: s.datasetModel.stac }),
    fromLink: (u) => ({ datasetModel: { modelId: u.model, stac: u.stac } }),
  },
  {
    keys: ['resultCount'],
    toLink: (s) => (s.resultCount !== DEFAULT_RESULT_COUNT ? { resultCount: s.resultCount } : {}),
    fromLink: (u) => ({ resultCount: u.resultCount ?? DEFAULT_RESULT_COUNT }),
  },
  {
    // The view the person is looking at; until the map has reported one, the link's.
    keys: ['mapView'],
    toLink: (s) => {
      const view = s.mapView ?? s.linkView
      return view ? { view } : {}
    },
    fromLink: (u) => ({ linkView: u.view ?? null, mapView: u.view ?? null }),
  },
  { keys: ['scope'], toLink: (s) => (s.scope === 'view' ? { scope: 'view' } : {}), fromLink: (u) => ({ scope: u.scope ?? 'everywhere' }) },
  { keys: ['lossFilter'], toLink: (s) => (s.lossFilter ? { lossFilter: s.lossFilter } : {}), fromLink: (u) => ({ lossFilter: u.lossFilter ?? null }) },
]

/** Every store key of a search. */
export const SEARCH_KEYS: readonly (keyof AppState)[] = SEARCH_FIELDS.flatMap((f) => f.keys)

/** Whether any of `keys` differs between two states (by reference, as zustand changes them). */
export function anyChanged(keys: readonly (keyof AppState)[], s: AppState, prev: AppState): boolean {
  return keys.some((k) => s[k] !== prev[k])
}

/** The search in the store, as a link states it. */
export function searchOf(s: AppState): UrlState {
  return Object.assign({}, ...SEARCH_FIELDS.map((f) => f.toLink(s))) as UrlState
}

/** A decoded link's search, as the store keeps it. */
export function storeFieldsOf(u: UrlState): Partial<AppState> {
  return Object.assign({}, ...SEARCH_FIELDS.map((f) => f.fromLink(u))) as Partial<AppState>
}
