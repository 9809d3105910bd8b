// The labels file ("Save labels" / "Load labels"): the examples of a search with their
// embeddings, so that they can be reused on another dataset made by the same model.
//
// Format (JSON, UTF-8), version 1:
// {
//   "format": "chipfinder-labels", "version": 1,
//   "app": { "name": "Chipfinder", "version": "0.1.0" }, "savedAt": "2024-05-01T12:00:00.000Z",
//   "dataset": { "url": "https://…/file.parquet" | null, "file": "file.parquet" | null },
//   "space": { "model": "Clay v0" | null, "family": "clay-v0", "dims": 768, "sourceModel": null },
//   "chips": [ { "id": "03WVN_20220610_0200", "label": "positive" | "negative",
//                "footprint": [[lon, lat], …] | null, "date": "2022-06-10" | null,
//                "embedding": "<base64 of dims little-endian float32>" } ],
//   "areas": [ { "id": "a1", "label": …, "shape": "rectangle" | "polygon" | "point",
//                "ring": [[lon, lat], …], "dates"?: { "from", "to" }, "scene"?: "…",
//                "embedding": "<base64>" | null } ]
// }
// A file is untrusted: parseLabelsFile checks everything and answers what is wrong in words.

import { APP_NAME, APP_VERSION } from './app-info.ts'
import { areaProblem, AREA_LIMITS, type DrawnArea } from './areas/area.ts'
import { isChipId, type ExampleLabel } from './vocabulary.ts'

export const LABELS_FORMAT = 'chipfinder-labels'
export const LABELS_VERSION = 1

export const LABELS_LIMITS = {
  /** Largest file read (bytes). */
  bytes: 20_000_000,
  /** Most examples (chips and areas together). */
  examples: 500,
  /** Longest chip id. */
  idLength: 200,
  /** Longest vector (NAIP-size patch vectors are not examples). */
  dims: 8192,
  /** Most corners of a chip's footprint. */
  footprintVertices: 200,
} as const

export interface LabelsSpace {
  /** Human label of the model ("Clay v0"). */
  model: string | null
  /** The model family the app recognised ('clay-v0', …; 'unknown' when it didn't). */
  family: string
  dims: number
  /** The `source_model` the dataset's rows share, when it names one. */
  sourceModel: string | null
}

export interface LabelledChip {
  id: string
  label: ExampleLabel
  footprint: [number, number][] | null
  date: string | null
  vector: Float32Array
}

export interface LabelledArea extends DrawnArea {
  /** The area's vector when it had been made; null otherwise. */
  vector: Float32Array | null
}

export interface LabelsFile {
  dataset: { url: string | null; file: string | null }
  space: LabelsSpace
  chips: LabelledChip[]
  areas: LabelledArea[]
  /** ISO time the file was written (filled in by encodeLabelsFile when absent). */
  savedAt?: string
}

// ---- base64 of little-endian float32 ---------------------------------------------------------

export function float32ToBase64(v: Float32Array): string {
  const bytes = new Uint8Array(v.length * 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true)
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

/** The vector, or null when the text isn't base64 of whole float32 values. */
export function base64ToFloat32(text: string): Float32Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null
  let bin: string
  try {
    bin = atob(text)
  } catch {
    return null
  }
  if (bin.length % 4 !== 0) return null
  const view = new DataView(new ArrayBuffer(bin.length))
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i))
  const out = new Float32Array(bin.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}

// ---- writing ---------------------------------------------------------------------------------

export function encodeLabelsFile(file: LabelsFile, now = new Date()): string {
  return JSON.stringify(
    {
      format: LABELS_FORMAT,
      version: LABELS_VERSION,
      app: { name: APP_NAME, version: APP_VERSION },
      savedAt: file.savedAt ?? now.toISOString(),
      dataset: file.dataset,
      space: file.space,
      chips: file.chips.map((c) => ({ id: c.id, label: c.label, footprint: c.footprint, date: c.date, embedding: float32ToBase64(c.vector) })),
      areas: file.areas.map(({ vector, ...a }) => ({ ...a, embedding: vector ? float32ToBase64(vector) : null })),
    },
    null,
    1,
  )
}

// ---- reading ---------------------------------------------------------------------------------

export type ParsedLabels = { ok: true; file: LabelsFile } | { ok: false; message: string }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const optString = (v: unknown, max = 2000): v is string | null => v === null || (typeof v === 'string' && v.length <= max)

class Refusal extends Error {}

function lonLatList(v: unknown, what: string, max: number): [number, number][] {
  if (!Array.isArray(v) || v.length > max) throw new Refusal(`${what} isn't a list of at most ${max} [longitude, latitude] pairs.`)
  return v.map((p) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Refusal(`${what} has a position that isn't two numbers.`)
    const [lon, lat] = p as [number, number]
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw new Refusal(`${what} has a position outside the map.`)
    return [lon, lat]
  })
}

function vectorOf(v: unknown, dims: number, what: string): Float32Array {
  const vec = typeof v === 'string' ? base64ToFloat32(v) : null
  if (!vec) throw new Refusal(`${what}'s embedding isn't base64 of float32 numbers.`)
  if (vec.length !== dims) throw new Refusal(`${what}'s embedding has ${vec.length} numbers, but the file says its model makes ${dims}.`)
  for (let i = 0; i < vec.length; i++) if (!Number.isFinite(vec[i]!)) throw new Refusal(`${what}'s embedding has a value that isn't a number.`)
  return vec
}

const label = (v: unknown, what: string): ExampleLabel => {
  if (v !== 'positive' && v !== 'negative') throw new Refusal(`${what} is neither "positive" nor "negative".`)
  return v
}

function parseArea(a: unknown, i: number, dims: number, seen: Set<string>): LabelledArea {
  const what = `Area ${i + 1}`
  if (!isObject(a)) throw new Refusal(`${what} isn't an object.`)
  if (typeof a['id'] !== 'string' || !/^a\d{1,6}$/.test(a['id']) || seen.has(a['id'])) throw new Refusal(`${what} has no id of the form a1, a2, … (or a repeated one).`)
  seen.add(a['id'])
  const shape = a['shape']
  if (shape !== 'rectangle' && shape !== 'polygon' && shape !== 'point') throw new Refusal(`${what}'s shape isn't rectangle, polygon or point.`)
  const ring = lonLatList(a['ring'], `${what}'s outline`, AREA_LIMITS.vertices)
  const problem = areaProblem(shape, ring)
  if (problem) throw new Refusal(`${what} can't be used: ${problem}.`)
  const out: LabelledArea = { id: a['id'], label: label(a['label'], `${what}'s label`), shape, ring, vector: a['embedding'] === null || a['embedding'] === undefined ? null : vectorOf(a['embedding'], dims, what) }
  const dates = a['dates']
  if (dates !== undefined) {
    const iso = /^\d{4}-\d{2}-\d{2}$/
    if (!isObject(dates) || typeof dates['from'] !== 'string' || typeof dates['to'] !== 'string' || !iso.test(dates['from']) || !iso.test(dates['to']))
      throw new Refusal(`${what}'s imagery dates aren't two dates (yyyy-mm-dd).`)
    out.dates = { from: dates['from'], to: dates['to'] }
  }
  if (a['scene'] !== undefined) {
    if (typeof a['scene'] !== 'string' || a['scene'].length > 200) throw new Refusal(`${what}'s scene isn't a short text.`)
    out.scene = a['scene']
  }
  return out
}

/** Check a labels file's text; every refusal says what is wrong and what to do. */
export function parseLabelsFile(text: string): ParsedLabels {
  const fix = ' Save the labels again from Chipfinder, or pick another file.'
  if (text.length > LABELS_LIMITS.bytes) return { ok: false, message: `This file is larger than ${LABELS_LIMITS.bytes / 1e6} MB, too large for a labels file.${fix}` }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ok: false, message: `This file isn't a Chipfinder labels file (it isn't JSON).${fix}` }
  }
  try {
    if (!isObject(json) || json['format'] !== LABELS_FORMAT) throw new Refusal("This file isn't a Chipfinder labels file (its format isn't “chipfinder-labels”).")
    if (json['version'] !== LABELS_VERSION)
      throw new Refusal(`This labels file is version ${String(json['version']).slice(0, 20)}; this app reads version ${LABELS_VERSION}. Use the Chipfinder that saved it, or a newer one.`)
    const space = json['space']
    if (!isObject(space) || !Number.isInteger(space['dims']) || (space['dims'] as number) < 1 || (space['dims'] as number) > LABELS_LIMITS.dims)
      throw new Refusal(`The file doesn't say how long its vectors are (space.dims, 1 to ${LABELS_LIMITS.dims}).`)
    if (typeof space['family'] !== 'string' || space['family'].length > 100 || !optString(space['model'], 200) || !optString(space['sourceModel'], 200))
      throw new Refusal("The file doesn't say which model made its vectors (space.family, space.model).")
    const dims = space['dims'] as number
    const dataset = isObject(json['dataset']) ? json['dataset'] : {}
    const url = dataset['url'] ?? null
    const name = dataset['file'] ?? null
    if (!optString(url) || !optString(name, 500)) throw new Refusal("The file's dataset isn't a link and a file name.")
    const chipsIn = json['chips'] ?? []
    const areasIn = json['areas'] ?? []
    if (!Array.isArray(chipsIn) || !Array.isArray(areasIn)) throw new Refusal('The file\'s "chips" and "areas" must be lists.')
    if (chipsIn.length + areasIn.length > LABELS_LIMITS.examples)
      throw new Refusal(`The file has ${chipsIn.length + areasIn.length} examples; at most ${LABELS_LIMITS.examples} can be loaded. Split it, or keep the ones that matter.`)
    if (areasIn.length > AREA_LIMITS.areas) throw new Refusal(`The file has ${areasIn.length} areas; a search holds at most ${AREA_LIMITS.areas}.`)
    if (chipsIn.length + areasIn.length === 0) throw new Refusal('The file has no examples in it.')
    const seen = new Set<string>()
    const chips = chipsIn.map((c: unknown, i): LabelledChip => {
      const what = `Chip ${i + 1}`
      if (!isObject(c)) throw new Refusal(`${what} isn't an object.`)
      const id = c['id']
      if (typeof id !== 'string' || !isChipId(id, LABELS_LIMITS.idLength))
        throw new Refusal(`${what}'s id isn't a text of 1 to ${LABELS_LIMITS.idLength} characters without control characters.`)
      if (seen.has(id)) throw new Refusal(`Chip “${id.slice(0, 60)}” is in the file twice.`)
      seen.add(id)
      const date = c['date'] ?? null
      if (date !== null && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) throw new Refusal(`${what}'s date isn't a date (yyyy-mm-dd).`)
      const footprint = c['footprint'] === null || c['footprint'] === undefined ? null : lonLatList(c['footprint'], `${what}'s footprint`, LABELS_LIMITS.footprintVertices)
      return { id, label: label(c['label'], `${what}'s label`), footprint, date, vector: vectorOf(c['embedding'], dims, what) }
    })
    const areaIds = new Set<string>()
    const areas = areasIn.map((a: unknown, i) => parseArea(a, i, dims, areaIds))
    const file: LabelsFile = {
      dataset: { url, file: name },
      space: { model: (space['model'] as string | null) ?? null, family: space['family'], dims, sourceModel: (space['sourceModel'] as string | null) ?? null },
      chips,
      areas,
    }
    if (typeof json['savedAt'] === 'string' && json['savedAt'].length <= 40) file.savedAt = json['savedAt']
    return { ok: true, file }
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, message: `${err.message}${err.message.includes('Use the Chipfinder') ? '' : fix}` }
    throw err
  }
}

/** Why vectors of `file` can't be compared with a dataset of `space`; null when they can. */
export function spaceMismatch(file: LabelsSpace, open: LabelsSpace): string | null {
  const needed = file.model ?? file.sourceModel ?? (file.family !== 'unknown' ? file.family : `a model making ${file.dims}-number vectors`)
  const sameFamily = file.family === open.family || file.family === 'unknown' || open.family === 'unknown'
  const sameSource = file.sourceModel === null || open.sourceModel === null || file.sourceModel === open.sourceModel
  if (file.dims !== open.dims || !sameFamily || !sameSource)
    return `These examples' vectors were made by ${needed} (${file.dims} numbers each); the open dataset's were made by ${open.model ?? open.sourceModel ?? 'another model'} (${open.dims}). Vectors of different models can't be compared: open a dataset made by ${needed} to use them.`
  return null
}
