// An archive index made in the browser for a folder that has none published: the same index as
// `npm run index` makes (docs/index-format.md), kept in the browser's own storage
// (local-store.ts) instead of beside the data. The bookkeeping is here, pure: the plan (the
// folder, its files as listed, μ from an even sample of them), one marker and one code part per
// file coded (so a reload half-way keeps what was done), how far it got, how long the rest will
// take, and the merge of the parts into the index the search worker opens like a published one.
//
// In the store, per folder (chipfinder-local/<folder id>/):
//   plan.json                 LocalPlan
//   parts/<file id>.parquet   that file's chips as a code file (source 0)
//   parts/<file id>.json      LocalMarker: the file as coded (its size and ETag), or why not
//   index.json, codes-NNNNN.parquet   the finished index, written last

import { checkIdentity, type DatasetIdentity } from '../geoparquet/footer.ts'
import { CodeFileWriter, MAX_GROUP_ROWS, joinCodeRows, readCodePart, sliceCodeRows, writeCodePart, type CodeRows } from './code-file.ts'
import { codeBytes } from './codes.ts'
import { INDEX_FORMAT, INDEX_HEADER_FILE, INDEX_VERSION, type IndexHeader, type IndexPart, type IndexSource } from './header.ts'
import { parseIndexHeader, serializeIndexHeader } from './parse-header.ts'
import type { LocalStore, LocalStoreKind } from './local-store.ts'

export const LOCAL_PLAN_VERSION = 1
export const LOCAL_CREATED_BY = 'chipfinder app 0.1.0'
/** The URL scheme of an index held in the browser: chipfinder-local://<store kind>/<folder id>/index.json. */
export const LOCAL_SCHEME = 'chipfinder-local:'
const ROOT = 'chipfinder-local'
/** Files whose vectors give μ: fewer than the builder's 64, since each is read twice (the second time from the browser's cache). */
export const LOCAL_SAMPLE_FILES = 8
/** The rate said before anything has been measured, bytes a second. */
export const STATED_RATE = 2_000_000
const CHIPS_PER_FILE = 16 * MAX_GROUP_ROWS

/** A data file as the folder's listing gives it. */
export interface ListedFile {
  /** Relative to the folder. */
  key: string
  url: string
  bytes: number
  /** The listing's ETag, unquoted; null when the listing has none. */
  etag: string | null
}

export interface LocalPlan {
  version: typeof LOCAL_PLAN_VERSION
  /** The folder URL the index belongs to (the header's base). */
  folder: string
  created: string
  identity: DatasetIdentity
  /** μ, dims float32 values (as JSON numbers, exact). */
  mean: number[]
  /** The sample μ came from. */
  sample: string[]
  /** Every file the index will cover, as listed when planned (or last updated). */
  files: ListedFile[]
  /** Bytes coded and the milliseconds they took, over every run so far (the estimate's rate). */
  measured: { bytes: number; ms: number }
}

/** One file done (parts/<id>.json). */
export interface LocalMarker {
  key: string
  bytes: number
  etag: string | null
  rows: number
  chips: number
  /** Why the file was left out; null when it was coded. */
  skipped: string | null
}

/** FNV-1a over the UTF-16 units, twice with different seeds: a 16-hex-digit name. */
export function stableId(text: string): string {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/** The folder's URL, always with one trailing slash. */
export const folderUrlOf = (url: string): string => url.replace(/\/*$/, '/')

export const folderDir = (folderUrl: string): string => `${ROOT}/${stableId(folderUrlOf(folderUrl))}`
const partPath = (dir: string, key: string, ext: 'json' | 'parquet') => `${dir}/parts/${stableId(key)}.${ext}`

export function localIndexUrl(kind: LocalStoreKind, folderUrl: string): string {
  return `chipfinder-local://${kind}/${stableId(folderUrlOf(folderUrl))}/${INDEX_HEADER_FILE}`
}

/** The store kind and path of a chipfinder-local: URL, or null for any other. */
export function parseLocalUrl(url: string): { kind: LocalStoreKind; path: string } | null {
  const m = /^chipfinder-local:\/\/(opfs|indexeddb|memory)\/([0-9a-f]{16})\/([A-Za-z0-9._-]+)$/.exec(url)
  if (!m) return null
  return { kind: m[1] as LocalStoreKind, path: `${ROOT}/${m[2]}/${m[3]}` }
}

/** An ETag as HTTP sends it (quoted): what the rescoring compares with a HEAD's. */
export function quotedEtag(etag: string | null): string | null {
  if (etag === null) return null
  return etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`
}

export function sameFile(a: { bytes: number; etag: string | null }, b: { bytes: number; etag: string | null }): boolean {
  return a.bytes === b.bytes && (a.etag === null || b.etag === null || a.etag === b.etag)
}

/** Which files, up to `max`, give μ: evenly spread, the first always among them (the builder's rule). */
export function sampleIndices(files: number, max = LOCAL_SAMPLE_FILES): number[] {
  const m = Math.min(files, max)
  return Array.from({ length: m }, (_, i) => Math.floor((i * files) / m))
}

/** μ: the float64 sums of the sample's kept vectors, over all their chips, as float32. */
export function meanOf(sums: readonly Float64Array[], chips: number): Float32Array {
  const dims = sums[0]?.length ?? 0
  const out = new Float32Array(dims)
  for (let j = 0; j < dims; j++) {
    let s = 0
    for (const v of sums) s += v[j] as number
    out[j] = s / Math.max(1, chips)
  }
  return out
}

/** How the listing differs from the one the plan was made from. */
export function compareListing(planned: readonly ListedFile[], listed: readonly ListedFile[]): { added: number; changed: number; removed: number } {
  const before = new Map(planned.map((f) => [f.key, f]))
  const now = new Set(listed.map((f) => f.key))
  let added = 0
  let changed = 0
  for (const f of listed) {
    const p = before.get(f.key)
    if (!p) added++
    else if (!sameFile(p, f)) changed++
  }
  const removed = planned.filter((f) => !now.has(f.key)).length
  return { added, changed, removed }
}

export interface BuildProgress {
  files: number
  bytes: number
  /** Files whose marker matches them as listed. */
  done: number
  doneBytes: number
  /** The files still to code, in plan order. */
  todo: ListedFile[]
  todoBytes: number
}

/** How far a build got: a file is done when its marker is of the file as it is listed now. */
export function buildProgress(files: readonly ListedFile[], markers: ReadonlyMap<string, LocalMarker>): BuildProgress {
  const todo: ListedFile[] = []
  let doneBytes = 0
  let bytes = 0
  for (const f of files) {
    bytes += f.bytes
    const m = markers.get(f.key)
    if (m && sameFile(m, f)) doneBytes += f.bytes
    else todo.push(f)
  }
  return { files: files.length, bytes, done: files.length - todo.length, doneBytes, todo, todoBytes: bytes - doneBytes }
}

/** Under this many bytes measured the rate is too noisy to go on: the stated one is used. */
const MIN_MEASURED_BYTES = 1_000_000

/**
 * Seconds to read `bytes` more: at the rate measured so far (once a megabyte has been coded),
 * else at STATED_RATE. `measured` says which.
 */
export function estimateSeconds(bytes: number, rate: { bytes: number; ms: number } | null): { seconds: number; measured: boolean; bytesPerSecond: number } {
  const measured = rate !== null && rate.bytes >= MIN_MEASURED_BYTES && rate.ms > 0
  const bytesPerSecond = measured ? (rate.bytes / rate.ms) * 1000 : STATED_RATE
  return { seconds: bytes / bytesPerSecond, measured, bytesPerSecond }
}

/** "about 20 s", "about 3 min", "about 1 h 10 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds))
  if (s < 60) return `about ${s < 10 ? s : Math.round(s / 5) * 5} s`
  const m = Math.round(s / 60)
  if (m < 60) return `about ${m} min`
  return `about ${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`
}

// ---- the store -------------------------------------------------------------------------------

const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as unknown

export async function readPlan(store: LocalStore, folderUrl: string): Promise<LocalPlan | null> {
  const b = await store.read(`${folderDir(folderUrl)}/plan.json`)
  if (!b) return null
  try {
    const p = json(b) as LocalPlan
    return p.version === LOCAL_PLAN_VERSION && p.folder === folderUrlOf(folderUrl) && Array.isArray(p.files) && Array.isArray(p.mean) ? p : null
  } catch {
    return null // cut short by a reload: planned again
  }
}

export async function writePlan(store: LocalStore, plan: LocalPlan): Promise<void> {
  await store.write(`${folderDir(plan.folder)}/plan.json`, JSON.stringify(plan))
}

/** The markers of the files done so far, by key (a half-written one doesn't count). */
export async function readMarkers(store: LocalStore, folderUrl: string): Promise<Map<string, LocalMarker>> {
  const dir = folderDir(folderUrl)
  const names = (await store.list(`${dir}/parts`)).filter((n) => n.endsWith('.json'))
  const out = new Map<string, LocalMarker>()
  for (const n of names) {
    const b = await store.read(`${dir}/parts/${n}`)
    if (!b) continue
    try {
      const m = json(b) as LocalMarker
      if (typeof m.key === 'string' && `${stableId(m.key)}.json` === n) out.set(m.key, m)
    } catch {
      // Cut short: the file is coded again.
    }
  }
  return out
}

/** A file coded: its part first, then its marker, so a marker always has its part. */
export async function saveFile(store: LocalStore, folderUrl: string, file: ListedFile, result: { rows: number; code: CodeRows } | { rows: number; skipped: string }): Promise<LocalMarker> {
  const dir = folderDir(folderUrl)
  let marker: LocalMarker
  if ('code' in result) {
    if (result.code.count > 0) await store.write(partPath(dir, file.key, 'parquet'), new Uint8Array(writeCodePart(result.code, { createdBy: LOCAL_CREATED_BY })))
    marker = { key: file.key, bytes: file.bytes, etag: file.etag, rows: result.rows, chips: result.code.count, skipped: null }
  } else {
    marker = { key: file.key, bytes: file.bytes, etag: file.etag, rows: result.rows, chips: 0, skipped: result.skipped }
  }
  await store.write(partPath(dir, file.key, 'json'), JSON.stringify(marker))
  return marker
}

/** The finished index's header, or null when there is none (or it is unreadable). */
export async function readLocalHeader(store: LocalStore, folderUrl: string, url: string): Promise<IndexHeader | null> {
  const b = await store.read(`${folderDir(folderUrl)}/${INDEX_HEADER_FILE}`)
  if (!b) return null
  try {
    return parseIndexHeader(json(b), url)
  } catch {
    return null
  }
}

/** Forget the finished index (an update is under way): the parts stay. */
export async function dropLocalIndex(store: LocalStore, folderUrl: string): Promise<void> {
  await store.remove(`${folderDir(folderUrl)}/${INDEX_HEADER_FILE}`)
}

/** Forget everything stored for the folder. */
export async function forgetFolder(store: LocalStore, folderUrl: string): Promise<void> {
  await store.remove(folderDir(folderUrl))
}

/**
 * Every file done: the parts joined into code files (in plan order, source renumbered over the
 * files coded), then index.json, last. Returns the header.
 */
export async function mergeLocal(store: LocalStore, plan: LocalPlan, markers: ReadonlyMap<string, LocalMarker>): Promise<IndexHeader> {
  const dir = folderDir(plan.folder)
  const dims = plan.mean.length
  const bytes = codeBytes(dims)
  const sources: IndexSource[] = []
  const skipped: IndexHeader['skipped'] = []
  const parts: IndexPart[] = []
  let writer: CodeFileWriter | null = null
  let groups: IndexPart['groups'] = []
  const closeFile = async (): Promise<void> => {
    if (!writer) return
    const name = `codes-${String(parts.length).padStart(5, '0')}.parquet`
    const data = new Uint8Array(writer.finish())
    await store.write(`${dir}/${name}`, data)
    parts.push({ path: name, bytes: data.length, chips: writer.chips, groups })
    writer = null
    groups = []
  }
  const emit = async (rows: CodeRows): Promise<void> => {
    if (writer && writer.chips + rows.count > CHIPS_PER_FILE) await closeFile()
    writer ??= new CodeFileWriter(bytes, LOCAL_CREATED_BY)
    writer.writeGroup(rows)
    groups.push({ list: 0, chips: rows.count })
  }
  let pending: CodeRows[] = []
  let count = 0
  for (const f of plan.files) {
    const m = markers.get(f.key)
    if (!m || !sameFile(m, f)) throw new Error(`${f.key} isn't coded yet.`)
    if (m.skipped !== null) {
      skipped.push({ key: f.key, reason: m.skipped })
      continue
    }
    const source = sources.length
    sources.push({ key: f.key, bytes: f.bytes, etag: quotedEtag(f.etag), rows: m.rows, chips: m.chips })
    if (m.chips === 0) continue
    const data = await store.read(partPath(dir, f.key, 'parquet'))
    if (!data) throw new Error(`The stored chips of ${f.key} are missing.`)
    const rows = await readCodePart(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, { codeBytes: bytes, fileName: f.key })
    if (rows.count !== m.chips) throw new Error(`The stored chips of ${f.key} are incomplete.`)
    rows.source.fill(source)
    pending.push(rows)
    count += rows.count
    while (count >= MAX_GROUP_ROWS) {
      const joined = joinCodeRows(pending, bytes)
      await emit(sliceCodeRows(joined, 0, MAX_GROUP_ROWS))
      pending = [sliceCodeRows(joined, MAX_GROUP_ROWS, joined.count)]
      count -= MAX_GROUP_ROWS
    }
  }
  if (count > 0) await emit(joinCodeRows(pending, bytes))
  await closeFile()
  const header: IndexHeader = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    createdBy: LOCAL_CREATED_BY,
    created: plan.created,
    base: plan.folder,
    identity: plan.identity,
    chips: parts.reduce((s, p) => s + p.chips, 0),
    code: { kind: 'sign', bits: dims, bytes, rotation: null },
    mean: Float32Array.from(plan.mean),
    lists: null,
    parts,
    sources,
    skipped,
  }
  await store.write(`${dir}/${INDEX_HEADER_FILE}`, serializeIndexHeader(header))
  return header
}

/** Whether a coded file belongs with the plan's identity (another model's file is left out, in words). */
export function identityProblem(file: DatasetIdentity, plan: DatasetIdentity): string | null {
  const why = checkIdentity(file, plan)
  return why === null ? null : `not part of this set: ${why}`
}
