// The shareable part of a search, to and from the page URL's query string (and, for a long
// version 3 link, its fragment).
//
// Version 2:
//   ?v=2&dataset=<http(s) url>&positive=<id>,<id>&negative=<id>&mode=centred|raw
//    &method=mean|max|classifier&threshold=<number>&basemap=satellite|plain|offline
//    &areas=<area>;<area>&model=<model id>&stac=<http(s) url>
// `model` and `stac` say which encoder and which STAC API (imagery) the dataset's drawn areas
// use, when its catalog entry named them (app/services/flows/areas/area-mode.ts): a link to the dataset's file
// alone doesn't carry them. Both are written only with areas.
// Version 1 (links without `v` are version 1 too) is the same without `areas`, and still reads.
// A link says the lowest version that describes it: v=1 without areas (so an older app opens it
// without a warning), v=2 with them.
// `method` came later; links without it rank by the mean, as every link did before it.
// An area is `<label>:<shape>:<polyline>[:<from>/<to>[:<scene>]]`:
//   label  p (more like this) | n (not like this)
//   shape  box (rectangle) | poly (polygon) | pt (point)
//   polyline  the outline's vertices (open ring; one for a point) in Google's encoded polyline
//          format at 1e-5° (about 1 m; areas/polyline.ts), latitude first in each pair
//   from/to  the imagery date window (encoder mode), ISO dates; empty when not set
//   scene  the imagery scene chosen (encoder mode): letters, digits, `_`, `-`, `.`
// e.g. areas=p:box:_zilK~mnb%5E?owH_%7CB??nwH (a 5.6 km² rectangle in Alaska). Areas get ids a1, a2, … in the order listed. An area
// that can't be read (a bad polyline, more than 200 vertices, a corner off the map, an outline
// that crosses itself) is dropped and said so; the others are kept.
// Id lists are comma-separated; a comma or backslash inside an id is escaped with a backslash.
// The list is decoded before it is split, so links built with URLSearchParams (which writes
// commas as %2C) read the same as hand-written ones.
// Version 3 (the whole search) adds, to everything version 2 has:
//   &count=<results listed, 1–10000>&view=<lon>,<lat>,<zoom>&loss=<min>,<max>
// `view` is the map's centre rounded to 1e-5° (about 1 m) and its zoom to 0.01; `loss` is the
// loss filter's range (chips outside it are hidden), each bound to 6 significant digits.
// In version 3 the id lists are compact: ids that share a prefix are written as one group,
// `<prefix>(<rest>,<rest>,…)`, so `03WVN_20220610_0200,03WVN_20220610_0042,x` becomes
// `03WVN_20220610_0(200,042),x`. Inside an id (prefix or rest) `\`, `,`, `(` and `)` are escaped
// with a backslash; a group's rest may be empty (the prefix is itself an id). Groups don't nest.
// The order of the ids is kept; a group is used only where it makes the list shorter.
// A link is written as version 3 when it has a result count, a map view or a loss filter, or when
// its version 2 query would not fit in the budget below.
// Long links: a query string stays within QUERY_BUDGET (1,800) characters, so that with the
// page's address the whole link stays under 2,000. Parameters are placed in order
// (v, dataset, mode, method, threshold, basemap, count, view, loss, model, stac, positive,
// negative, areas); one that would not fit goes to the fragment instead, written as
// `#s&<key>=<value>&…` in the same form as in the query. The fragment never reaches a server.
// decodeUrlState(search, hash) reads the query, then the fragment's parameters that the query
// doesn't have; a fragment that doesn't start with `s&` is not ours and is left alone.
// Caps: a link is read only to its first LIMITS.linkLength (200,000) characters, and an id list
// longer than 500 ids of the longest length is ignored, each with a sentence; a version 3 field
// that can't be read (a count out of 1–10000, a view off the map, a loss range the wrong way
// round, an id list whose brackets don't match) is dropped with a sentence and the rest kept.
// Everything here is untrusted input: values are validated, and whatever is dropped is reported
// in `problems`, worded for the person who opened the link.

import {
  BASEMAPS,
  CHIP_ID_MAX_LENGTH,
  DEFAULT_BASEMAP,
  DEFAULT_RANK_METHOD,
  DEFAULT_SCORE_MODE,
  isChipId,
  isOpenableUrl,
  MAX_EXAMPLES,
  MAX_RESULT_COUNT,
  MAX_URL_LENGTH,
  RANK_METHODS,
  SCORE_MODES,
  type BasemapId,
  type RankMethod,
  type ScoreMode,
} from './vocabulary.ts'
import { AREA_LIMITS, areaProblem, type AreaShape, type DrawnArea } from './areas/area.ts'
import { decodePolyline, encodePolyline } from './areas/polyline.ts'

export const URL_STATE_VERSION = 3

/** The map's camera as a link carries it. */
export interface UrlMapView {
  lon: number
  lat: number
  zoom: number
}

/** An area as a link carries it: everything but its id (ids are given in the order listed). */
export type UrlArea = Omit<DrawnArea, 'id'>

export interface UrlState {
  /** Dataset URL; null means the built-in demo. */
  dataset: string | null
  positives: string[]
  negatives: string[]
  mode: ScoreMode
  /** How the examples become scores; 'mean' unless the link says otherwise. */
  method: RankMethod
  /** Chips scoring below this fade out; null shows every chip. */
  threshold: number | null
  basemap: BasemapId
  /** Areas drawn as examples, in the order they were drawn. */
  areas: UrlArea[]
  /** The dataset's model (a manifest id), when its catalog entry named one; null otherwise. */
  model: string | null
  /** The STAC API (http(s)) the areas' imagery comes from, when the catalog entry named one. */
  stac: string | null
  /** How many results the list shows (version 3); absent: the app's default. */
  resultCount?: number
  /** The map's centre and zoom (version 3); absent: the app frames the data itself. */
  view?: UrlMapView
  /** Chips whose loss is outside [min, max] are hidden (version 3); absent: none hidden. */
  lossFilter?: [number, number]
  /** 'view': search only the chips in view even where the set has an archive index (version 3);
   * absent: everywhere the index reaches. */
  scope?: 'view'
}

export const DEFAULT_URL_STATE: UrlState = Object.freeze({
  dataset: null,
  positives: [],
  negatives: [],
  mode: DEFAULT_SCORE_MODE,
  method: DEFAULT_RANK_METHOD,
  threshold: null,
  basemap: DEFAULT_BASEMAP,
  areas: [],
  model: null,
  stac: null,
}) as UrlState

/** What a link may carry (the shared caps are in vocabulary.ts); linkLength is the most characters read. */
export const LIMITS = {
  urlLength: MAX_URL_LENGTH,
  idLength: CHIP_ID_MAX_LENGTH,
  examples: MAX_EXAMPLES,
  resultCount: MAX_RESULT_COUNT,
  linkLength: 200_000,
} as const

/** The most characters a query string takes (see the header); the rest goes to the fragment. */
export const QUERY_BUDGET = 1800

export interface DecodedUrlState {
  state: UrlState
  /** What was ignored and why, one sentence each. */
  problems: string[]
}

function parseQuery(search: string): Map<string, string> {
  const out = new Map<string, string>()
  const query = search.startsWith('?') ? search.slice(1) : search
  for (const part of query.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq))
    // Raw value: lists are split on commas before their items are decoded.
    if (key !== null && !out.has(key)) out.set(key, eq < 0 ? '' : part.slice(eq + 1))
  }
  return out
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return null
  }
}

function quoteForMessage(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}…` : value
  return `“${short}”`
}

/** Split on commas that are not escaped with a backslash, and unescape. */
export function splitIdList(value: string): string[] {
  const out: string[] = []
  let current = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c === '\\' && i + 1 < value.length) current += value[++i]!
    else if (c === ',') {
      out.push(current)
      current = ''
    } else current += c
  }
  out.push(current)
  return out
}

export function joinIdList(ids: readonly string[]): string {
  return ids.map((id) => id.replace(/[\\,]/g, (c) => `\\${c}`)).join(',')
}

const escapeCompact = (id: string): string => id.replace(/[\\,()]/g, (c) => `\\${c}`)

/** The longest common prefix, never ending inside a surrogate pair. */
function commonPrefix(a: string, b: string): string {
  let n = 0
  const max = Math.min(a.length, b.length)
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++
  if (n > 0 && n < a.length && /[\uD800-\uDBFF]/.test(a[n - 1]!)) n--
  return a.slice(0, n)
}

/** Version 3's compact id list (see the header): runs of ids sharing a prefix written once. */
export function joinCompactIdList(ids: readonly string[]): string {
  const out: string[] = []
  let i = 0
  while (i < ids.length) {
    // The run from i that saves the most: k ids sharing prefix P save (k − 1)·|P| − 2 characters.
    let prefix = ids[i]!
    let best = 0
    let bestEnd = i
    let bestPrefix = ''
    for (let j = i + 1; j < ids.length && prefix !== ''; j++) {
      prefix = commonPrefix(prefix, ids[j]!)
      const saving = (j - i) * escapeCompact(prefix).length - 2
      if (saving > best) {
        best = saving
        bestEnd = j
        bestPrefix = prefix
      }
    }
    if (bestEnd === i) {
      out.push(escapeCompact(ids[i]!))
      i++
    } else {
      const rests = ids.slice(i, bestEnd + 1).map((id) => escapeCompact(id.slice(bestPrefix.length)))
      out.push(`${escapeCompact(bestPrefix)}(${rests.join(',')})`)
      i = bestEnd + 1
    }
  }
  return out.join(',')
}

/** Read a version 3 id list; null when its brackets don't match. */
export function splitCompactIdList(value: string): string[] | null {
  const out: string[] = []
  let current = ''
  let prefix: string | null = null
  let closed = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c === '\\' && i + 1 < value.length) {
      if (closed) return null
      current += value[++i]!
    } else if (c === '(') {
      if (prefix !== null || closed) return null
      prefix = current
      current = ''
    } else if (c === ')') {
      if (prefix === null) return null
      out.push(prefix + current)
      prefix = null
      current = ''
      closed = true
    } else if (c === ',') {
      if (prefix !== null) out.push(prefix + current)
      else if (!closed) out.push(current)
      current = ''
      closed = false
    } else {
      if (closed) return null
      current += c
    }
  }
  if (prefix !== null) return null
  if (!closed) out.push(current)
  return out
}

function decodeIds(raw: string | undefined, label: string, problems: string[], compact: boolean): string[] {
  if (raw === undefined || raw === '') return []
  const decoded = safeDecode(raw)
  if (decoded === null) {
    problems.push(`The ${label} examples could not be read (the link is garbled) and were ignored.`)
    return []
  }
  if (decoded.length > LIMITS.examples * (LIMITS.idLength + 1)) {
    problems.push(`The ${label} examples were ignored: the list is too long to be real.`)
    return []
  }
  const list = compact ? splitCompactIdList(decoded) : splitIdList(decoded)
  if (list === null) {
    problems.push(`The ${label} examples could not be read (their brackets don’t match) and were ignored.`)
    return []
  }
  const ids: string[] = []
  const seen = new Set<string>()
  let malformed = 0
  for (const id of list) {
    if (id === '') continue
    if (!isChipId(id)) {
      malformed++
      continue
    }
    if (seen.has(id)) continue
    seen.add(id)
    ids.push(id)
  }
  if (malformed > 0) problems.push(`${malformed} malformed ${label} chip id${malformed > 1 ? 's were' : ' was'} ignored.`)
  if (ids.length > LIMITS.examples) {
    problems.push(`Only the first ${LIMITS.examples} of ${ids.length} ${label} examples were kept.`)
    ids.length = LIMITS.examples
  }
  return ids
}

/**
 * Read a link: its query string (`?…`) and, when it has one of ours, its fragment (`#s&…`),
 * whose parameters count where the query doesn't have them.
 */
export function decodeUrlState(search: string, hash = ''): DecodedUrlState {
  const problems: string[] = []
  // One string with both (what encodeUrlState gives) reads the same as the two apart.
  const at = search.indexOf('#')
  if (at >= 0 && hash === '') [search, hash] = [search.slice(0, at), search.slice(at)]
  if (search.length + hash.length > LIMITS.linkLength) {
    problems.push(`This link is ${search.length + hash.length} characters long; only the first ${LIMITS.linkLength} were read.`)
    search = search.slice(0, LIMITS.linkLength)
    hash = hash.slice(0, Math.max(0, LIMITS.linkLength - search.length))
  }
  const q = parseQuery(search)
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  if (fragment === 's' || fragment.startsWith('s&')) {
    for (const [key, value] of parseQuery(fragment)) if (key !== 's' && !q.has(key)) q.set(key, value)
  }
  const state: UrlState = { ...DEFAULT_URL_STATE, positives: [], negatives: [], areas: [] }

  const v = q.get('v')
  const version = v === undefined ? 1 : Number(v)
  // Version 3 and later write id lists compactly.
  const compactIds = Number.isFinite(version) && version >= 3
  if (v !== undefined && v !== String(URL_STATE_VERSION)) {
    const n = Number(v)
    if (Number.isInteger(n) && n > URL_STATE_VERSION)
      problems.push('This link was made by a newer version of the app; some of it may not be understood.')
  }

  const dataset = q.has('dataset') ? safeDecode(q.get('dataset')!) : null
  if (dataset) {
    if (isOpenableUrl(dataset)) state.dataset = dataset
    else problems.push(`The dataset ${quoteForMessage(dataset)} was ignored: only http:// and https:// links can be opened.`)
  }

  state.positives = decodeIds(q.get('positive'), 'positive', problems, compactIds)
  state.negatives = decodeIds(q.get('negative'), 'negative', problems, compactIds)
  const pos = new Set(state.positives)
  const both = state.negatives.filter((id) => pos.has(id))
  if (both.length > 0) {
    state.negatives = state.negatives.filter((id) => !pos.has(id))
    problems.push(`${both.length} chip${both.length > 1 ? 's were' : ' was'} listed as both positive and negative; kept as positive.`)
  }

  const mode = q.has('mode') ? safeDecode(q.get('mode')!) : null
  if (mode !== null && (SCORE_MODES as readonly string[]).includes(mode)) state.mode = mode as ScoreMode
  else if (mode !== null) problems.push(`Unknown scoring mode ${quoteForMessage(mode)}; using “centred”.`)

  const method = q.has('method') ? safeDecode(q.get('method')!) : null
  if (method !== null) {
    if ((RANK_METHODS as readonly string[]).includes(method)) state.method = method as RankMethod
    else problems.push(`Unknown ranking method ${quoteForMessage(method)}; ranking by the average example.`)
  }

  const threshold = q.has('threshold') ? safeDecode(q.get('threshold')!) : null
  if (threshold !== null && threshold !== '') {
    const t = Number(threshold)
    if (Number.isFinite(t) && t >= -1 && t <= 1) state.threshold = t
    else problems.push(`The threshold ${quoteForMessage(threshold)} was ignored: it must be a number from −1 to 1.`)
  }

  const basemap = q.has('basemap') ? safeDecode(q.get('basemap')!) : null
  if (basemap !== null) {
    if ((BASEMAPS as readonly string[]).includes(basemap)) state.basemap = basemap as BasemapId
    else problems.push(`Unknown basemap ${quoteForMessage(basemap)}; using satellite imagery.`)
  }

  if (q.has('areas')) state.areas = decodeAreas(q.get('areas')!, problems)

  const model = q.has('model') ? safeDecode(q.get('model')!) : null
  if (model !== null) {
    if (MODEL_ID.test(model)) state.model = model
    else problems.push(`The model ${quoteForMessage(model)} was ignored: it is not a model name.`)
  }
  const stac = q.has('stac') ? safeDecode(q.get('stac')!) : null
  if (stac) {
    if (isOpenableUrl(stac)) state.stac = stac
    else problems.push(`The imagery catalogue ${quoteForMessage(stac)} was ignored: only http:// and https:// links can be used.`)
  }

  const count = q.has('count') ? safeDecode(q.get('count')!) : null
  if (count !== null) {
    const n = /^\d{1,6}$/.test(count) ? Number(count) : NaN
    if (n >= 1 && n <= LIMITS.resultCount) state.resultCount = n
    else problems.push(`The result count ${quoteForMessage(count)} was ignored: it must be a whole number from 1 to ${LIMITS.resultCount}.`)
  }

  const view = q.has('view') ? safeDecode(q.get('view')!) : null
  if (view !== null) {
    const [lon, lat, zoom, more] = view.split(',').map(readNumber)
    if (more === undefined && lon !== null && lat !== null && zoom !== null && lon !== undefined && lat !== undefined && zoom !== undefined &&
        Math.abs(lon) <= 180 && Math.abs(lat) <= 90 && zoom >= 0 && zoom <= 24)
      state.view = roundView({ lon, lat, zoom })
    else problems.push(`The map view ${quoteForMessage(view)} was ignored: it must be longitude,latitude,zoom (−180–180, −90–90, 0–24).`)
  }

  const scope = q.has('scope') ? safeDecode(q.get('scope')!) : null
  if (scope !== null) {
    if (scope === 'view') state.scope = 'view'
    else if (scope !== 'all') problems.push(`The search scope ${quoteForMessage(scope)} was ignored: it must be “view” (only the chips on the map) or “all”.`)
  }

  const loss = q.has('loss') ? safeDecode(q.get('loss')!) : null
  if (loss !== null) {
    const [min, max, more] = loss.split(',').map(readNumber)
    if (more === undefined && min !== null && max !== null && min !== undefined && max !== undefined && min <= max)
      state.lossFilter = roundLossFilter([min, max])
    else problems.push(`The loss filter ${quoteForMessage(loss)} was ignored: it must be two numbers, the smaller first.`)
  }

  return { state, problems }
}

/** A finite number written plainly (no hex, no empty string), or null. */
function readNumber(s: string): number | null {
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) || s.length > 32) return null
  const n = Number(s)
  return Number.isFinite(n) ? n : null
}

/** The map view as a link gives it back: centre to 1e-5° (longitude wrapped to −180–180), zoom to 0.01 (0–24). */
export function roundView(view: UrlMapView): UrlMapView {
  const lon = Math.round(view.lon * 1e5) / 1e5
  const wrapped = lon >= -180 && lon <= 180 ? lon : Math.round(((((lon + 180) % 360) + 360) % 360 - 180) * 1e5) / 1e5
  return {
    lon: wrapped || 0,
    lat: Math.min(90, Math.max(-90, Math.round(view.lat * 1e5) / 1e5)) || 0,
    zoom: Math.min(24, Math.max(0, Math.round(view.zoom * 100) / 100)) || 0,
  }
}

/** The result count as a link gives it back: a whole number from 1 to LIMITS.resultCount. */
export function roundResultCount(n: number): number {
  return Math.min(LIMITS.resultCount, Math.max(1, Math.round(n)))
}

/** The loss filter as a link gives it back: each bound to 6 significant digits. */
export function roundLossFilter([min, max]: readonly [number, number]): [number, number] {
  return [Number(min.toPrecision(6)) || 0, Number(max.toPrecision(6)) || 0]
}

/** Percent-encode a query value, keeping `:`, `/` and `,` readable (all legal in a query). */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%2C/gi, ',')
}

/** How the examples are ranked and shown: written only where they differ from the defaults. */
function settingParams(state: UrlState): string[] {
  const parts: string[] = []
  if (state.mode !== DEFAULT_URL_STATE.mode) parts.push(`mode=${state.mode}`)
  if (state.method !== DEFAULT_URL_STATE.method) parts.push(`method=${state.method}`)
  if (state.threshold !== null) parts.push(`threshold=${roundThreshold(state.threshold)}`)
  if (state.basemap !== DEFAULT_URL_STATE.basemap) parts.push(`basemap=${state.basemap}`)
  return parts
}

/** The encoder and imagery the areas use: written only with areas. */
function modelParams(state: UrlState): string[] {
  if (!state.areas.length) return []
  const parts: string[] = []
  if (state.model !== null) parts.push(`model=${encodeValue(state.model)}`)
  if (state.stac !== null) parts.push(`stac=${encodeValue(state.stac)}`)
  return parts
}

/** Versions 1 and 2: one query string, ids listed in full. */
function encodeLegacy(state: UrlState): string {
  const parts: string[] = []
  if (state.dataset !== null) parts.push(`dataset=${encodeValue(state.dataset)}`)
  if (state.positives.length) parts.push(`positive=${encodeValue(joinIdList(state.positives))}`)
  if (state.negatives.length) parts.push(`negative=${encodeValue(joinIdList(state.negatives))}`)
  parts.push(...settingParams(state))
  if (state.areas.length) parts.push(`areas=${encodeAreas(state.areas)}`)
  parts.push(...modelParams(state))
  if (parts.length === 0) return ''
  return `?v=${state.areas.length ? 2 : 1}&${parts.join('&')}`
}

/** Version 3's parameters, in the order they are placed (see the header). */
function encodeV3Params(state: UrlState): string[] {
  const parts: string[] = []
  if (state.dataset !== null) parts.push(`dataset=${encodeValue(state.dataset)}`)
  parts.push(...settingParams(state))
  if (state.resultCount !== undefined) parts.push(`count=${roundResultCount(state.resultCount)}`)
  if (state.view !== undefined) {
    const v = roundView(state.view)
    parts.push(`view=${v.lon},${v.lat},${v.zoom}`)
  }
  if (state.lossFilter !== undefined) parts.push(`loss=${roundLossFilter(state.lossFilter).join(',')}`)
  if (state.scope !== undefined) parts.push(`scope=${state.scope}`)
  parts.push(...modelParams(state))
  if (state.positives.length) parts.push(`positive=${encodeValue(joinCompactIdList(state.positives))}`)
  if (state.negatives.length) parts.push(`negative=${encodeValue(joinCompactIdList(state.negatives))}`)
  if (state.areas.length) parts.push(`areas=${encodeAreas(state.areas)}`)
  return parts
}

/**
 * A link for a state: `search` is the query string ("" when everything is default, else with
 * `?`), within QUERY_BUDGET characters; `hash` is "" or `#s&…`, the parameters that didn't fit.
 */
export function encodeUrlParts(state: UrlState): { search: string; hash: string } {
  const isV3 = state.resultCount !== undefined || state.view !== undefined || state.lossFilter !== undefined || state.scope !== undefined
  if (!isV3) {
    const legacy = encodeLegacy(state)
    if (legacy.length <= QUERY_BUDGET) return { search: legacy, hash: '' }
  }
  let search = `?v=${URL_STATE_VERSION}`
  const rest: string[] = []
  for (const part of encodeV3Params(state)) {
    if (search.length + 1 + part.length <= QUERY_BUDGET) search += `&${part}`
    else rest.push(part)
  }
  return { search, hash: rest.length ? `#s&${rest.join('&')}` : '' }
}

/** The link's query string and fragment together (see encodeUrlParts). */
export function encodeUrlState(state: UrlState): string {
  const { search, hash } = encodeUrlParts(state)
  return search + hash
}

/** Thresholds are shared to 3 decimals: finer than a slider step, short in a link. */
export function roundThreshold(t: number): number {
  return Math.round(t * 1000) / 1000
}

const SHAPE_CODES: Record<AreaShape, string> = { rectangle: 'box', polygon: 'poly', point: 'pt' }
const SHAPES_BY_CODE = new Map(Object.entries(SHAPE_CODES).map(([shape, code]) => [code, shape as AreaShape]))
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const SCENE_ID = /^[A-Za-z0-9_.-]{1,128}$/
/** A model id as manifests name them (models/<id>/manifest.json). */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

function encodeArea(a: UrlArea): string {
  const fields = [a.label === 'positive' ? 'p' : 'n', SHAPE_CODES[a.shape], encodePolyline(a.ring)]
  if (a.dates || a.scene) fields.push(a.dates ? `${a.dates.from}/${a.dates.to}` : '')
  if (a.scene) fields.push(a.scene)
  return fields.join(':')
}

/** Areas for the query string: `:` `/` `?` `@` kept (legal in a query), other polyline characters percent-encoded. */
function encodeAreas(areas: readonly UrlArea[]): string {
  return areas
    .map((a) =>
      encodeURIComponent(encodeArea(a))
        .replace(/%3A/gi, ':')
        .replace(/%2F/gi, '/')
        .replace(/%3F/gi, '?')
        .replace(/%40/gi, '@'),
    )
    .join(';')
}

function decodeAreas(raw: string, problems: string[]): UrlArea[] {
  const decoded = safeDecode(raw)
  if (decoded === null) {
    problems.push('The drawn areas could not be read (the link is garbled) and were ignored.')
    return []
  }
  const parts = decoded.split(';').filter((p) => p !== '')
  const out: UrlArea[] = []
  parts.forEach((part, k) => {
    const which = `Drawn area ${k + 1}`
    if (out.length >= AREA_LIMITS.areas) {
      if (out.length === AREA_LIMITS.areas && k === AREA_LIMITS.areas)
        problems.push(`Only the first ${AREA_LIMITS.areas} of ${parts.length} drawn areas were kept.`)
      return
    }
    const [label, shapeCode, line, dates, scene, ...rest] = part.split(':')
    if (rest.length > 0 || (label !== 'p' && label !== 'n') || !SHAPES_BY_CODE.has(shapeCode ?? '') || line === undefined) {
      problems.push(`${which} was ignored: it is not written as label:shape:outline.`)
      return
    }
    const shape = SHAPES_BY_CODE.get(shapeCode!)!
    const ring = decodePolyline(line, AREA_LIMITS.vertices)
    if (ring === null) {
      problems.push(`${which} was ignored: its outline is garbled or has more than ${AREA_LIMITS.vertices} corners.`)
      return
    }
    const problem = areaProblem(shape, ring)
    if (problem) {
      problems.push(`${which} was ignored: ${problem}.`)
      return
    }
    const area: UrlArea = { label: label === 'p' ? 'positive' : 'negative', shape, ring }
    if (dates) {
      const [from, to, more] = dates.split('/')
      if (more === undefined && from && to && isIsoDate(from) && isIsoDate(to) && from <= to) area.dates = { from, to }
      else problems.push(`${which}’s imagery dates were ignored: they must be two dates, the earlier first (2024-05-01/2024-07-31).`)
    }
    if (scene) {
      if (SCENE_ID.test(scene)) area.scene = scene
      else problems.push(`${which}’s imagery scene was ignored: ${quoteForMessage(scene)} is not a scene id.`)
    }
    out.push(area)
  })
  return out
}
