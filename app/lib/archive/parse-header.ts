// Reads and writes an archive index's `index.json` (docs/index-format.md). The header is
// untrusted input from a URL: every field is checked for type and range, lists and strings are
// capped, and anything that doesn't add up (chips, code size, mean length) is refused with a
// DatasetError that says what is wrong and what to do, before the search reads a byte of codes.

import { DatasetError } from '../errors.ts'
import { checkIdentity, type DatasetIdentity } from '../geoparquet/footer.ts'
import type { ModelFamily } from '../geoparquet/types.ts'
import { codeBytes } from './codes.ts'
import { INDEX_FORMAT, INDEX_VERSION, type IndexCode, type IndexGroup, type IndexHeader, type IndexPart, type IndexSource } from './header.ts'

const MAX_TEXT = 1024
const MAX_PARTS = 100_000
const MAX_GROUPS = 1_000_000
const MAX_SOURCES = 2_000_000
const MAX_SKIPPED = 2_000_000
const MAX_DIMS = 65_536
const MAX_LISTS = 1_000_000
const FAMILIES: readonly ModelFamily[] = ['clay-v0', 'clay-v1.5', 'lgnd', 'earth-index', 'unknown']

type Obj = Record<string, unknown>

/** Walks the JSON with a path for messages; every accessor throws a worded DatasetError. */
class Reader {
  constructor(private readonly url: string) {}

  fail(what: string): never {
    throw new DatasetError(
      'bad-index',
      this.url,
      `The archive index at ${this.url} can't be used: ${what}. Rebuild it with \`npm run index\` (docs/index-build.md).`,
    )
  }

  obj(v: unknown, at: string): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(`${at} should be an object`)
    return v as Obj
  }

  arr(v: unknown, at: string, max: number): unknown[] {
    if (!Array.isArray(v)) this.fail(`${at} should be a list`)
    if (v.length > max) this.fail(`${at} has ${v.length} entries, more than the ${max} a reader accepts`)
    return v
  }

  str(v: unknown, at: string, max = MAX_TEXT): string {
    if (typeof v !== 'string') this.fail(`${at} should be text`)
    if (v.length > max) this.fail(`${at} is longer than ${max} characters`)
    return v
  }

  strOrNull(v: unknown, at: string): string | null {
    return v === null ? null : this.str(v, at)
  }

  /** A whole number in [min, max]. */
  int(v: unknown, at: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(`${at} should be a whole number from ${min} to ${max}`)
    return v
  }
}

function parseIdentity(r: Reader, v: unknown): DatasetIdentity {
  const o = r.obj(v, 'identity')
  const family = r.str(o.family, 'identity.family')
  if (!(FAMILIES as readonly string[]).includes(family)) r.fail(`identity.family '${family.slice(0, 40)}' is not one this app knows`)
  return {
    family: family as ModelFamily,
    modelLabel: r.strOrNull(o.modelLabel, 'identity.modelLabel'),
    dims: r.int(o.dims, 'identity.dims', 1, MAX_DIMS),
    embeddingColumn: r.strOrNull(o.embeddingColumn, 'identity.embeddingColumn'),
    sourceModel: r.strOrNull(o.sourceModel, 'identity.sourceModel'),
  }
}

function parseCode(r: Reader, v: unknown, dims: number): IndexCode {
  const o = r.obj(v, 'code')
  if (o.kind !== 'sign') r.fail(`code.kind should be 'sign', not ${JSON.stringify(o.kind)?.slice(0, 40)}`)
  const bits = r.int(o.bits, 'code.bits', 1, MAX_DIMS)
  if (bits !== dims) r.fail(`code.bits is ${bits} but the embeddings are ${dims}-d`)
  const bytes = r.int(o.bytes, 'code.bytes', 1)
  if (bytes !== codeBytes(dims)) r.fail(`code.bytes is ${bytes}; ${dims}-d codes take ${codeBytes(dims)} bytes`)
  let rotation: IndexCode['rotation'] = null
  if (o.rotation !== null) {
    const rot = r.obj(o.rotation, 'code.rotation')
    if (rot.kind !== 'random-orthogonal') r.fail(`code.rotation.kind should be 'random-orthogonal'`)
    rotation = { kind: 'random-orthogonal', seed: r.int(rot.seed, 'code.rotation.seed', 0, 2 ** 32 - 1) }
  }
  return { kind: 'sign', bits, bytes, rotation }
}

function parseMean(r: Reader, v: unknown, dims: number): Float32Array {
  // base64: 4 characters per 3 bytes, the last group padded.
  const text = r.str(v, 'mean', 4 * Math.ceil((dims * 4) / 3))
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) r.fail('mean is not base64')
  let binary: string
  try {
    binary = atob(text)
  } catch {
    r.fail('mean is not base64')
  }
  if (binary.length !== dims * 4) r.fail(`mean holds ${binary.length} bytes; ${dims} float32 values (${dims * 4} bytes) are needed`)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  const view = new DataView(bytes.buffer)
  const mean = new Float32Array(dims)
  for (let j = 0; j < dims; j++) {
    const x = view.getFloat32(j * 4, true)
    if (!Number.isFinite(x)) r.fail(`mean value ${j} is not a finite number`)
    mean[j] = x
  }
  return mean
}

/** A relative path inside the index folder: no scheme, no leading '/', no '..' segments. */
function relativePath(r: Reader, v: unknown, at: string): string {
  const p = r.str(v, at)
  if (p === '' || p.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.split('/').includes('..') || [...p].some((c) => c.charCodeAt(0) < 0x20)) {
    r.fail(`${at} should be a path inside the index's folder`)
  }
  return p
}

function parseParts(r: Reader, v: unknown, lists: number, dims: number): IndexPart[] {
  let groupsSeen = 0
  return r.arr(v, 'parts', MAX_PARTS).map((raw, i) => {
    const at = `parts[${i}]`
    const o = r.obj(raw, at)
    const chips = r.int(o.chips, `${at}.chips`)
    const rawGroups = r.arr(o.groups, `${at}.groups`, MAX_GROUPS)
    groupsSeen += rawGroups.length
    if (groupsSeen > MAX_GROUPS) r.fail(`the parts have more than ${MAX_GROUPS} row groups`)
    const groups: IndexGroup[] = rawGroups.map((g, k) => {
      const go = r.obj(g, `${at}.groups[${k}]`)
      return { list: r.int(go.list, `${at}.groups[${k}].list`, 0, Math.max(0, lists - 1)), chips: r.int(go.chips, `${at}.groups[${k}].chips`, 1) }
    })
    const sum = groups.reduce((s, g) => s + g.chips, 0)
    if (sum !== chips) r.fail(`${at} says it has ${chips} chips but its row groups hold ${sum}`)
    const part: IndexPart = { path: relativePath(r, o.path, `${at}.path`), bytes: r.int(o.bytes, `${at}.bytes`, 1), chips, groups }
    if (o.rows !== undefined) {
      const ro = r.obj(o.rows, `${at}.rows`)
      const bytes = r.int(ro.bytes, `${at}.rows.bytes`)
      if (bytes !== chips * dims * 4) r.fail(`${at}.rows says ${bytes} bytes, but ${chips} chips of ${dims} float32 values take ${chips * dims * 4}`)
      part.rows = { path: relativePath(r, ro.path, `${at}.rows.path`), bytes }
    }
    return part
  })
}

function parseSources(r: Reader, v: unknown): IndexSource[] {
  return r.arr(v, 'sources', MAX_SOURCES).map((raw, i) => {
    const at = `sources[${i}]`
    const o = r.obj(raw, at)
    const rows = r.int(o.rows, `${at}.rows`)
    const chips = r.int(o.chips, `${at}.chips`, 0, rows)
    return { key: r.str(o.key, `${at}.key`), bytes: r.int(o.bytes, `${at}.bytes`), etag: r.strOrNull(o.etag, `${at}.etag`), rows, chips }
  })
}

/**
 * Checks an `index.json` (already JSON-parsed) and returns it typed, `mean` decoded. `url` is
 * where it came from, for messages. Throws DatasetError for anything a reader must refuse.
 */
export function parseIndexHeader(json: unknown, url: string): IndexHeader {
  const r = new Reader(url)
  const o = r.obj(json, 'the file')
  if (o.format !== INDEX_FORMAT) r.fail(`it is not a Chipfinder archive index (its "format" should be "${INDEX_FORMAT}")`)
  if (o.version !== INDEX_VERSION) {
    const v = typeof o.version === 'number' ? o.version : JSON.stringify(o.version)?.slice(0, 20)
    throw new DatasetError(
      'bad-index',
      url,
      `The archive index at ${url} is version ${v}; this app reads version ${INDEX_VERSION}. Update the app, or rebuild the index with this app's \`npm run index\`.`,
    )
  }
  const identity = parseIdentity(r, o.identity)
  const dims = identity.dims as number
  const code = parseCode(r, o.code, dims)
  let lists: IndexHeader['lists'] = null
  if (o.lists !== null) {
    const l = r.obj(o.lists, 'lists')
    lists = { count: r.int(l.count, 'lists.count', 1, MAX_LISTS), centroids: relativePath(r, l.centroids, 'lists.centroids') }
  }
  const parts = parseParts(r, o.parts, lists?.count ?? 1, dims)
  const chips = r.int(o.chips, 'chips')
  const sum = parts.reduce((s, p) => s + p.chips, 0)
  if (sum !== chips) r.fail(`it says it has ${chips} chips but its code files hold ${sum}`)
  const sources = parseSources(r, o.sources)
  const indexed = sources.reduce((s, x) => s + x.chips, 0)
  if (indexed !== chips) r.fail(`its sources hold ${indexed} chips but its code files hold ${chips}`)
  const skipped = r.arr(o.skipped, 'skipped', MAX_SKIPPED).map((raw, i) => {
    const s = r.obj(raw, `skipped[${i}]`)
    return { key: r.str(s.key, `skipped[${i}].key`), reason: r.str(s.reason, `skipped[${i}].reason`, 4 * MAX_TEXT) }
  })
  return {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    createdBy: r.str(o.createdBy, 'createdBy'),
    created: r.str(o.created, 'created'),
    base: r.str(o.base, 'base'),
    identity,
    chips,
    code,
    mean: parseMean(r, o.mean, dims),
    lists,
    parts,
    sources,
    skipped,
  }
}

/** base64 of a float32 array's little-endian bytes. */
function meanBase64(mean: Float32Array): string {
  const bytes = new Uint8Array(mean.length * 4)
  const view = new DataView(bytes.buffer)
  for (let j = 0; j < mean.length; j++) view.setFloat32(j * 4, mean[j] as number, true)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** The header as `index.json` text, fields in the doc's order (stable bytes for a stable build). */
export function serializeIndexHeader(h: IndexHeader): string {
  const { mean, ...rest } = h
  const ordered = {
    format: rest.format,
    version: rest.version,
    createdBy: rest.createdBy,
    created: rest.created,
    base: rest.base,
    identity: rest.identity,
    chips: rest.chips,
    code: rest.code,
    mean: meanBase64(mean),
    lists: rest.lists,
    parts: rest.parts,
    sources: rest.sources,
    skipped: rest.skipped,
  }
  return JSON.stringify(ordered, null, 1) + '\n'
}

/**
 * Throws unless the index was made for the same embeddings as the open set (checkIdentity,
 * the rule that keeps a folder's files together).
 */
export function assertIndexFits(h: IndexHeader, dataset: DatasetIdentity, url: string): void {
  const why = checkIdentity(h.identity, dataset)
  if (why === null) return
  const made = `${h.identity.sourceModel ?? h.identity.modelLabel ?? h.identity.family} embeddings (${h.identity.dims}-d)`
  throw new DatasetError('wrong-model', url, `This index was made for ${made}, not for this set: ${why}. Open the set it was built from, or build one for this set.`)
}
