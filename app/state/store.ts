// What a person could see or share, in small documented slices. Megabytes (embeddings,
// footprints, scores) live in the search worker and in app/services/resources/registry.ts; the store only
// holds version numbers that say when those changed.

import { create } from 'zustand'
import type { FileSummary } from '../lib/geoparquet/types.ts'
import type { CatalogEntry } from '../lib/catalog/catalog.ts'
import type { BBox } from '../lib/bbox.ts'
import type { UrlMapView } from '../lib/url-state.ts'
import {
  DEFAULT_BASEMAP,
  DEFAULT_BUDGET_BYTES,
  DEFAULT_ENCODER_BACKEND,
  DEFAULT_RANK_METHOD,
  DEFAULT_RESULT_COUNT,
  DEFAULT_SCORE_MODE,
  type BackendChoice,
  type BasemapId,
  type ExampleLabel,
  type RankMethod,
  type ScoreMode,
} from '../lib/vocabulary.ts'
import { applyAreaChanges, applyChanges, MAX_HISTORY, stepBetween, type LabelStep } from './label-history.ts'
import type { AreaShape, DrawnArea } from '../lib/areas/area.ts'

export type { DrawnArea } from '../lib/areas/area.ts'

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error'

export interface LoadProgress {
  fileName: string
  bytesRead: number
  totalBytes: number | null
  chips: number
}

/** Progress of the file loads under way in a dataset of many files. */
export interface FilesProgress {
  filesDone: number
  filesTotal: number
  bytesRead: number
  chips: number
}

export interface Notice {
  id: number
  level: 'error' | 'warning' | 'info'
  /** Plain text; always rendered as text, never as HTML. */
  text: string
}

/** A dataset whose catalog entry (or link) names no model and no STAC API. */
export const NO_DATASET_MODEL: DatasetSlice['datasetModel'] = Object.freeze({ modelId: null, stac: null })

export interface DatasetSlice {
  /** The dataset asked for: an http(s) URL, or null for the built-in demo. */
  datasetUrl: string | null
  /** Name shown while a local file (picked or dropped) is open; such a dataset can't be shared. */
  localFileName: string | null
  /** State of the most recent load. */
  loadStatus: LoadStatus
  /** Progress of the load under way, or of the last one. */
  loadProgress: LoadProgress | null
  /** Why the last load failed, worded for people. */
  loadError: string | null
  /** The dataset whose chips are on the map (it stays when a later load fails). */
  summary: FileSummary | null
  /** Bumped whenever the registry's chips change. */
  datasetVersion: number
  /** Title of the open dataset of many files (a folder or catalog entry); null for one file. */
  collectionTitle: string | null
  /** Files of a dataset of many files, by state. */
  fileCounts: { total: number; located: number; loaded: number; failed: number } | null
  /** File loads under way; null when none. */
  filesProgress: FilesProgress | null
  /** Bumped whenever file footprints or states change (the coverage layer). */
  coverageVersion: number
  /** Chips available in the files in view, and how many of them are loaded. */
  here: { available: number; approximate: boolean; loaded: number } | null
  /** Why no more files are loading, worded for people. */
  stopReason: string | null
  /** Most bytes of embeddings to hold in memory. */
  budgetBytes: number
  /** Bytes of embeddings loaded. */
  loadedBytes: number
  /** A catalog being browsed in the dataset picker. */
  catalog: { url: string | null; entries: CatalogEntry[] } | null
  /** A request for the map to show an area; seq makes repeated requests distinct. */
  fitRequest: { bbox: BBox; seq: number } | null
  /** The open dataset's model (a manifest id) and imagery STAC API, as its catalog entry (or the link) named them; drawn areas use them (app/services/flows/areas/area-mode.ts). */
  datasetModel: { modelId: string | null; stac: string | null }
}

/** One step of making an area's vector, as its card shows it. */
export interface AreaStep {
  /** A short key ('chips', 'model', 'imagery', 'encode', …). */
  step: string
  /** The step in words. */
  label: string
  loaded?: number
  total?: number | null
}

/** Where an area's vector stands. */
export interface AreaStatus {
  state: 'working' | 'ready' | 'error'
  /** How the vector is made: the mean of the stored chips under it, or the encoder on imagery. */
  mode: 'stored' | 'encoder'
  step?: AreaStep
  /** Why it failed, worded for people (state 'error'). */
  message?: string
  /** What went into the vector (state 'ready'). */
  info?: {
    chips: number
    scene?: { id: string; datetime: string; cloudCover: number | null }
    backend?: string
    notes: string[]
  }
}

export interface ExamplesSlice {
  /** Chip ids marked "more like this", in the order they were chosen. */
  positives: string[]
  /** Chip ids marked "not like this". */
  negatives: string[]
  /** Areas drawn on the map as examples, in the order drawn. Their vectors live in registry.areas. */
  areas: DrawnArea[]
  /** What a plain click (or a drawn area) marks; the visible toggle for touch screens, where there is no shift key. */
  labelMode: ExampleLabel
  /** Labelling steps that can be undone, oldest first (at most MAX_HISTORY). */
  undoSteps: LabelStep[]
  /** Undone steps that can be redone, the next one last; a new step forgets them. */
  redoSteps: LabelStep[]
}

export interface AreasSlice {
  /** Where each area's vector stands, by area id (none yet: not started). */
  areaStatus: Record<string, AreaStatus>
  /** Bumped whenever an area's vector in registry.areas changes (or is dropped). */
  areaVersion: number
  /** The drawing tool in use on the map; null when the map is in its usual click-to-label mode. */
  drawMode: AreaShape | null
  /** Where the encoder runs (encoder mode): WebGPU where the browser has it ('auto'), or the one the person picked. */
  encoderBackend: BackendChoice
  /** Area whose card is under the pointer (its chips are outlined on the map). */
  hoveredArea: string | null
  /** Area whose card was last picked (its chips stay outlined). */
  selectedArea: string | null
}

export interface RankingSlice {
  /** Centred (mean vector subtracted, the default) or raw cosine. */
  mode: ScoreMode
  /** How the examples become scores: like their average (the default), like any one of them, or a classifier trained on them. */
  method: RankMethod
  /** Chips scoring below this fade out; null shows all. */
  threshold: number | null
  /** Bumped whenever the registry's ranking changes (or is cleared). */
  rankingVersion: number
  rankingStatus: 'idle' | 'ranking' | 'ready'
  /** What the chip colours show: the similarity score, or the model's reconstruction loss. */
  colourBy: 'score' | 'loss'
  /** Chips whose loss is outside [min, max] are hidden; null hides none. */
  lossFilter: [number, number] | null
  /** How many results the list shows. */
  resultCount: number
}

/** Where a search looks: every chip of the set's archive index, or the chips loaded in view. */
export type SearchScope = 'everywhere' | 'view'

/** The open set's archive index (docs/index-format.md), when it has one. */
export interface ArchiveState {
  /** The index.json address. */
  url: string
  status: 'opening' | 'ready' | 'error'
  /** Chips and files the index covers (once read). */
  chips: number | null
  files: number | null
  /** Bytes of the index read so far, and in all (while opening). */
  progress: { bytes: number; totalBytes: number } | null
  /** Why it can't be used, worded for people (status 'error'). */
  message: string | null
  /** What the build left out or what has changed since, worded for people. */
  notes: string[]
}

/**
 * A folder without a published index can be made searchable everywhere in the browser
 * (app/services/flows/local-index.ts): what is kept for it, and how far making it has got.
 */
export interface LocalIndexState {
  /** The folder's URL. */
  folder: string
  /** Where it is kept: 'opfs' or 'indexeddb'; null when this browser can keep nothing. */
  storage: 'opfs' | 'indexeddb' | 'memory' | null
  /**
   * offer: none yet, or part of one (done > 0); stale: one was made, but the folder has changed
   * since; working: reading the files; finishing: joining what was read; ready: open and
   * searched everywhere; unavailable / error: message says why.
   */
  status: 'checking' | 'offer' | 'stale' | 'working' | 'finishing' | 'ready' | 'unavailable' | 'error'
  files: number
  bytes: number
  done: number
  doneBytes: number
  /** Seconds the rest should take, and whether from the rate measured so far (else the stated rate). */
  seconds: number
  measured: boolean
  /** While working: learning the set's average from a sample of its files first. */
  sampling: boolean
  /** stale: how the folder's files changed. */
  changes: { added: number; changed: number; removed: number } | null
  message: string | null
}

export interface ArchiveSlice {
  archive: ArchiveState | null
  localIndex: LocalIndexState | null
  /** Where the person asked to search; 'everywhere' only takes effect with a ready archive. */
  scope: SearchScope
  /** Bumped whenever the registry's archive results change (or are cleared). */
  archiveVersion: number
  archiveSearch: 'idle' | 'searching' | 'ready'
  setScope(scope: SearchScope): void
}

export interface ViewSlice {
  /** The basemap the person chose (shared in links). */
  basemap: BasemapId
  /** True when the chosen basemap couldn't be reached and the offline map stands in. */
  basemapFallback: boolean
  notices: Notice[]
  /** A request for the map to show one chip; seq makes repeated requests distinct. */
  focus: { row: number; seq: number } | null
  /** Row under the pointer on the map or in the result list. */
  hoveredRow: number | null
  /** What the map shows, written when a move ends. */
  viewBounds: BBox | null
  /** The map's centre and zoom, written when a move ends (shared in links). */
  mapView: UrlMapView | null
  /** The view a link asked for: the map opens there, and the first dataset load doesn't move it. Cleared once used. */
  linkView: UrlMapView | null
  /** What a shared link asked to rank, while the page opens it (null once it is ranked, fails, or the person moves on). */
  sharedOpen: { examples: number; areas: number } | null
  /** Whether the dataset picker is open. */
  pickerOpen: boolean
}

export interface Actions {
  setDatasetUrl(url: string | null): void
  /** Mark a chip as an example, or remove it if it already is one (a step that can be undone). */
  toggleExample(id: string, as: ExampleLabel): void
  /** Remove a chip from the examples (a step that can be undone). */
  removeExample(id: string): void
  /** Remove every example (one step that can be undone). */
  clearExamples(): void
  /** Add chips and areas as examples, all in one step that can be undone (a labels file); chips already examples keep their label. */
  addExamples(add: { positives: string[]; negatives: string[]; areas: Omit<DrawnArea, 'id'>[] }): void
  /** Replace the examples without recording a step: for the app itself (a link, chips a dataset lacks). */
  setExamples(positives: string[], negatives: string[]): void
  /** Add a drawn area as an example (a step that can be undone); answers its id. */
  addArea(area: Omit<DrawnArea, 'id'>): string
  /** Remove an area from the examples (a step that can be undone). */
  removeArea(id: string): void
  /** Use an area as a positive or a negative example (a step that can be undone). */
  setAreaLabel(id: string, label: ExampleLabel): void
  /** Change the imagery date window of an area (encoder mode); not an undo step. */
  setAreaDates(id: string, dates: { from: string; to: string } | undefined): void
  /** Choose the imagery scene of an area (encoder mode); not an undo step. */
  setAreaScene(id: string, scene: string | undefined): void
  /** Replace the areas without recording a step: for the app itself (a link). */
  setAreas(areas: DrawnArea[]): void
  /** Set (or with null, forget) where an area's vector stands. */
  setAreaStatus(id: string, status: AreaStatus | null): void
  /** Say that a vector in registry.areas changed. */
  bumpAreaVersion(): void
  setDrawMode(mode: AreasSlice['drawMode']): void
  setEncoderBackend(backend: AreasSlice['encoderBackend']): void
  setHoveredArea(id: string | null): void
  setSelectedArea(id: string | null): void
  /** Take back the last labelling step. */
  undo(): void
  /** Do again the last step taken back. */
  redo(): void
  setLabelMode(mode: ExampleLabel): void
  setMode(mode: ScoreMode): void
  /** Change the ranking method; a threshold set on the old method's scores is dropped. */
  setMethod(method: RankMethod): void
  setThreshold(threshold: number | null): void
  setColourBy(colourBy: 'score' | 'loss'): void
  setLossFilter(range: [number, number] | null): void
  setBasemap(basemap: BasemapId): void
  fallBackToOfflineBasemap(): void
  notify(level: Notice['level'], text: string): void
  dismissNotice(id: number): void
  focusRow(row: number): void
  setHoveredRow(row: number | null): void
  setViewBounds(bounds: BBox): void
  setMapView(view: UrlMapView): void
  setResultCount(count: number): void
  setBudget(bytes: number): void
  setPickerOpen(open: boolean): void
  fitTo(bbox: BBox): void
}

export type AppState = DatasetSlice & ExamplesSlice & AreasSlice & RankingSlice & ArchiveSlice & ViewSlice & Actions

/** The next free area id: one past every id in the list and in the undo and redo steps, so that
 * undoing a removal never brings back an id that another area took meanwhile. */
export function nextAreaId(s: Pick<AppState, 'areas' | 'undoSteps' | 'redoSteps'>): string {
  let max = 0
  const see = (id: string) => {
    const m = /^a(\d+)$/.exec(id)
    if (m) max = Math.max(max, Number(m[1]))
  }
  for (const a of s.areas) see(a.id)
  for (const step of [...s.undoSteps, ...s.redoSteps]) for (const c of step.areaChanges ?? []) see(c.id)
  return `a${max + 1}`
}

let nextNoticeId = 1
let nextFocusSeq = 1
let nextFitSeq = 1
const MAX_NOTICES = 6

export const useAppStore = create<AppState>()((set, get) => {
  /** Set the examples as one labelling step, which can be undone; nothing when no label changes. */
  const label = (after: { positives?: string[]; negatives?: string[]; areas?: DrawnArea[] }) => {
    const s = get()
    const next = { positives: after.positives ?? s.positives, negatives: after.negatives ?? s.negatives, areas: after.areas ?? s.areas }
    const step = stepBetween(s, next)
    if (!step) return
    set({ ...next, undoSteps: [...s.undoSteps, step].slice(-MAX_HISTORY), redoSteps: [] })
  }
  const editArea = (id: string, edit: (a: DrawnArea) => DrawnArea) =>
    set((s) => (s.areas.some((a) => a.id === id) ? { areas: s.areas.map((a) => (a.id === id ? edit(a) : a)) } : s))
  return {
    datasetUrl: null,
    localFileName: null,
    loadStatus: 'idle',
    loadProgress: null,
    loadError: null,
    summary: null,
    datasetVersion: 0,
    collectionTitle: null,
    fileCounts: null,
    filesProgress: null,
    coverageVersion: 0,
    here: null,
    stopReason: null,
    budgetBytes: DEFAULT_BUDGET_BYTES,
    loadedBytes: 0,
    catalog: null,
    fitRequest: null,
    datasetModel: NO_DATASET_MODEL,

    positives: [],
    negatives: [],
    areas: [],
    labelMode: 'positive',
    undoSteps: [],
    redoSteps: [],

    areaStatus: {},
    areaVersion: 0,
    drawMode: null,
    encoderBackend: DEFAULT_ENCODER_BACKEND,
    hoveredArea: null,
    selectedArea: null,

    mode: DEFAULT_SCORE_MODE,
    method: DEFAULT_RANK_METHOD,
    threshold: null,
    rankingVersion: 0,
    rankingStatus: 'idle',
    colourBy: 'score',
    lossFilter: null,
    resultCount: DEFAULT_RESULT_COUNT,

    archive: null,
    localIndex: null,
    scope: 'everywhere',
    archiveVersion: 0,
    archiveSearch: 'idle',
    setScope: (scope) => set({ scope }),

    basemap: DEFAULT_BASEMAP,
    basemapFallback: false,
    notices: [],
    focus: null,
    hoveredRow: null,
    viewBounds: null,
    mapView: null,
    linkView: null,
    sharedOpen: null,
    pickerOpen: false,

    setDatasetUrl: (datasetUrl) => set({ datasetUrl, localFileName: null }),
    toggleExample: (id, as) => {
      const { positives, negatives } = get()
      const current = as === 'positive' ? positives : negatives
      if (current.includes(id)) return get().removeExample(id)
      label({
        positives: as === 'positive' ? [...positives, id] : positives.filter((x) => x !== id),
        negatives: as === 'negative' ? [...negatives, id] : negatives.filter((x) => x !== id),
      })
    },
    removeExample: (id) => {
      const { positives, negatives } = get()
      label({ positives: positives.filter((x) => x !== id), negatives: negatives.filter((x) => x !== id) })
    },
    clearExamples: () => label({ positives: [], negatives: [], areas: [] }),
    addExamples: (add) => {
      const s = get()
      const known = new Set([...s.positives, ...s.negatives])
      const fresh = (ids: string[]) => ids.filter((id) => !known.has(id))
      const areas = [...s.areas]
      for (const area of add.areas) areas.push({ ...area, id: nextAreaId({ ...s, areas }) })
      label({ positives: [...s.positives, ...fresh(add.positives)], negatives: [...s.negatives, ...fresh(add.negatives)], areas })
    },
    setExamples: (positives, negatives) => set({ positives, negatives }),
    addArea: (area) => {
      const id = nextAreaId(get())
      label({ areas: [...get().areas, { ...area, id }] })
      return id
    },
    removeArea: (id) =>
      label({ areas: get().areas.filter((a) => a.id !== id) }),
    setAreaLabel: (id, to) => label({ areas: get().areas.map((a) => (a.id === id ? { ...a, label: to } : a)) }),
    setAreaDates: (id, dates) =>
      editArea(id, (a) => {
        // Other dates are a new search: the scene picked for the old ones goes.
        const { dates: _old, scene: _scene, ...rest } = a
        return dates ? { ...rest, dates } : rest
      }),
    setAreaScene: (id, scene) =>
      editArea(id, (a) => {
        const { scene: _old, ...rest } = a
        return scene ? { ...rest, scene } : rest
      }),
    setAreas: (areas) => set({ areas }),
    setAreaStatus: (id, status) =>
      set((s) => {
        if (status === null) {
          if (!(id in s.areaStatus)) return s
          const { [id]: _gone, ...rest } = s.areaStatus
          return { areaStatus: rest }
        }
        return { areaStatus: { ...s.areaStatus, [id]: status } }
      }),
    bumpAreaVersion: () => set((s) => ({ areaVersion: s.areaVersion + 1 })),
    setDrawMode: (drawMode) => set({ drawMode }),
    setEncoderBackend: (encoderBackend) => set({ encoderBackend }),
    setHoveredArea: (hoveredArea) => set({ hoveredArea }),
    setSelectedArea: (selectedArea) => set({ selectedArea }),
    undo: () => {
      const { undoSteps, redoSteps } = get()
      const step = undoSteps.at(-1)
      if (!step) return
      const areas = step.areaChanges ? { areas: applyAreaChanges(get().areas, step.areaChanges, 'undo') } : {}
      set({ ...applyChanges(get(), step.changes, 'undo'), ...areas, undoSteps: undoSteps.slice(0, -1), redoSteps: [...redoSteps, step] })
    },
    redo: () => {
      const { undoSteps, redoSteps } = get()
      const step = redoSteps.at(-1)
      if (!step) return
      const areas = step.areaChanges ? { areas: applyAreaChanges(get().areas, step.areaChanges, 'redo') } : {}
      set({ ...applyChanges(get(), step.changes, 'redo'), ...areas, undoSteps: [...undoSteps, step], redoSteps: redoSteps.slice(0, -1) })
    },
    setLabelMode: (labelMode) => set({ labelMode }),
    setMode: (mode) => set({ mode }),
    setMethod: (method) => set((s) => (s.method === method ? s : { method, threshold: null })),
    setThreshold: (threshold) => set({ threshold }),
    setColourBy: (colourBy) => set({ colourBy }),
    setLossFilter: (lossFilter) => set({ lossFilter }),
    setBasemap: (basemap) => set({ basemap, basemapFallback: false }),
    fallBackToOfflineBasemap: () => set({ basemapFallback: true }),
    notify: (level, text) =>
      set((s) => {
        // The same message twice in a row adds nothing; keep the newest few.
        if (s.notices.some((n) => n.text === text)) return s
        return { notices: [...s.notices, { id: nextNoticeId++, level, text }].slice(-MAX_NOTICES) }
      }),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    focusRow: (row) => set({ focus: { row, seq: nextFocusSeq++ } }),
    setHoveredRow: (hoveredRow) => set({ hoveredRow }),
    setViewBounds: (viewBounds) => set({ viewBounds }),
    setMapView: (mapView) => set({ mapView }),
    setResultCount: (resultCount) => set({ resultCount }),
    setBudget: (budgetBytes) => set({ budgetBytes }),
    setPickerOpen: (pickerOpen) => set({ pickerOpen }),
    fitTo: (bbox) => set({ fitRequest: { bbox, seq: nextFitSeq++ } }),
  }
})
