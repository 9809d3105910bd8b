// The shareable part of a search, to and from the page URL's query string.
//
// Version 1 (links without `v` are version 1 too):
//   ?v=1&dataset=<http(s) url>&positive=<id>,<id>&negative=<id>&mode=centred|raw
//    &method=mean|max|classifier&threshold=<number>&basemap=satellite|plain|offline
// `method` came later; links without it rank by the mean, as every link did before it.
// Id lists are comma-separated; a comma or backslash inside an id is escaped with a backslash.
// The list is decoded before it is split, so links built with URLSearchParams (which writes
// commas as %2C) read the same as hand-written ones.
// Everything here is untrusted input: values are validated, and whatever is dropped is reported
// in `problems`, worded for the person who opened the link.

import type { ScoreMode } from './rank.ts'

export const URL_STATE_VERSION = 1

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
}

export const DEFAULT_URL_STATE: UrlState = Object.freeze({
  dataset: null,
  positives: [],
  negatives: [],
  mode: 'centred',
  method: 'mean',
  threshold: null,
  basemap: 'satellite',
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
  const state: UrlState = { ...DEFAULT_URL_STATE, positives: [], negatives: [] }

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
  if (parts.length === 0) return ''
  return `?v=${URL_STATE_VERSION}&${parts.join('&')}`
}

/** Thresholds are shared to 3 decimals: finer than a slider step, short in a link. */
export function roundThreshold(t: number): number {
  return Math.round(t * 1000) / 1000
}
