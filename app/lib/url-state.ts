// The shareable part of a search, to and from the page URL's query string.
//
// Version 2:
//   ?v=2&dataset=<http(s) url>&positive=<id>,<id>&negative=<id>&mode=centred|raw
//    &method=mean|max|classifier&threshold=<number>&basemap=satellite|plain|offline
//    &areas=<area>;<area>&model=<model id>&stac=<http(s) url>
// `model` and `stac` say which encoder and which STAC API (imagery) the dataset's drawn areas
// use, when its catalog entry named them (app/services/area-mode.ts): a link to the dataset's file
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
// Everything here is untrusted input: values are validated, and whatever is dropped is reported
// in `problems`, worded for the person who opened the link.

import type { ScoreMode } from './rank.ts'
import { AREA_LIMITS, areaProblem, type AreaShape, type DrawnArea } from './areas/area.ts'
import { decodePolyline, encodePolyline } from './areas/polyline.ts'

export const URL_STATE_VERSION = 2

/** An area as a link carries it: everything but its id (ids are given in the order listed). */
export type UrlArea = Omit<DrawnArea, 'id'>

export const BASEMAPS = ['satellite', 'plain', 'offline'] as const
export type BasemapId = (typeof BASEMAPS)[number]

/** How the examples become scores (the search worker's RankMethod; see workers/search/protocol.ts). */
export const RANK_METHODS = ['mean', 'max', 'classifier'] as const
export type RankMethodId = (typeof RANK_METHODS)[number]

export interface UrlState {
  /** Dataset URL; null means the built-in demo. */
  dataset: string | null
  positives: string[]
  negatives: string[]
  mode: ScoreMode
  /** How the examples become scores; 'mean' unless the link says otherwise. */
  method: RankMethodId
  /** Chips scoring below this fade out; null shows every chip. */
  threshold: number | null
  basemap: BasemapId
  /** Areas drawn as examples, in the order they were drawn. */
  areas: UrlArea[]
  /** The dataset's model (a manifest id), when its catalog entry named one; null otherwise. */
  model: string | null
  /** The STAC API (http(s)) the areas' imagery comes from, when the catalog entry named one. */
  stac: string | null
}

export const DEFAULT_URL_STATE: UrlState = Object.freeze({
  dataset: null,
  positives: [],
  negatives: [],
  mode: 'centred',
  method: 'mean',
  threshold: null,
  basemap: 'satellite',
  areas: [],
  model: null,
  stac: null,
}) as UrlState

export const LIMITS = { urlLength: 2048, idLength: 256, examples: 500 } as const

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

/** Only absolute http(s) URLs may be opened: never javascript:, data:, file: or anything else. */
export function isOpenableUrl(value: string): boolean {
  if (value.length > LIMITS.urlLength) return false
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
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

function decodeIds(raw: string | undefined, label: string, problems: string[]): string[] {
  if (raw === undefined || raw === '') return []
  const decoded = safeDecode(raw)
  if (decoded === null) {
    problems.push(`The ${label} examples could not be read (the link is garbled) and were ignored.`)
    return []
  }
  const ids: string[] = []
  const seen = new Set<string>()
  let malformed = 0
  for (const id of splitIdList(decoded)) {
    if (id === '') continue
    // Control characters never occur in chip ids; refusing them keeps logs and exports clean.
    // eslint-disable-next-line no-control-regex
    if (id.length > LIMITS.idLength || /[\u0000-\u001f\u007f]/.test(id)) {
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

export function decodeUrlState(search: string): DecodedUrlState {
  const q = parseQuery(search)
  const problems: string[] = []
  const state: UrlState = { ...DEFAULT_URL_STATE, positives: [], negatives: [], areas: [] }

  const v = q.get('v')
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

  state.positives = decodeIds(q.get('positive'), 'positive', problems)
  state.negatives = decodeIds(q.get('negative'), 'negative', problems)
  const pos = new Set(state.positives)
  const both = state.negatives.filter((id) => pos.has(id))
  if (both.length > 0) {
    state.negatives = state.negatives.filter((id) => !pos.has(id))
    problems.push(`${both.length} chip${both.length > 1 ? 's were' : ' was'} listed as both positive and negative; kept as positive.`)
  }

  const mode = q.has('mode') ? safeDecode(q.get('mode')!) : null
  if (mode === 'centred' || mode === 'raw') state.mode = mode
  else if (mode !== null) problems.push(`Unknown scoring mode ${quoteForMessage(mode)}; using “centred”.`)

  const method = q.has('method') ? safeDecode(q.get('method')!) : null
  if (method !== null) {
    if ((RANK_METHODS as readonly string[]).includes(method)) state.method = method as RankMethodId
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

  return { state, problems }
}

/** Percent-encode a query value, keeping `:`, `/` and `,` readable (all legal in a query). */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%2C/gi, ',')
}

/** The query string for a state ("" when everything is default), with `?` when not empty. */
export function encodeUrlState(state: UrlState): string {
  const parts: string[] = []
  if (state.dataset !== null) parts.push(`dataset=${encodeValue(state.dataset)}`)
  if (state.positives.length) parts.push(`positive=${encodeValue(joinIdList(state.positives))}`)
  if (state.negatives.length) parts.push(`negative=${encodeValue(joinIdList(state.negatives))}`)
  if (state.mode !== DEFAULT_URL_STATE.mode) parts.push(`mode=${state.mode}`)
  if (state.method !== DEFAULT_URL_STATE.method) parts.push(`method=${state.method}`)
  if (state.threshold !== null) parts.push(`threshold=${roundThreshold(state.threshold)}`)
  if (state.basemap !== DEFAULT_URL_STATE.basemap) parts.push(`basemap=${state.basemap}`)
  if (state.areas.length) {
    parts.push(`areas=${encodeAreas(state.areas)}`)
    if (state.model !== null) parts.push(`model=${encodeValue(state.model)}`)
    if (state.stac !== null) parts.push(`stac=${encodeValue(state.stac)}`)
  }
  if (parts.length === 0) return ''
  return `?v=${state.areas.length ? URL_STATE_VERSION : 1}&${parts.join('&')}`
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
