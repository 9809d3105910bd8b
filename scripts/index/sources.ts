// Where the builder's files come from: a local folder, an S3-compatible folder over HTTP
// (ListObjectsV2 through the app's own listObjects), or a catalog.json entry naming either. A
// source is listed once per run into plain {key, bytes, etag} records (keys relative to the
// folder, sorted, so a listing is the same every time), and a file is opened as hyparquet's
// AsyncBuffer: local reads through a file handle, remote ones through the app's range buffer.

import { open, readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { AsyncBuffer } from 'hyparquet'
import { parseCatalog } from '../../app/lib/catalog/catalog.ts'
import { encodeKey, listObjects, parseS3Url } from '../../app/lib/catalog/s3-list.ts'
import { openRangeBuffer } from '../../app/lib/http/range-buffer.ts'
import { DatasetError } from '../../app/lib/errors.ts'
import { INDEX_FOLDER } from '../../app/lib/archive/header.ts'

/** How to reach a source's files; plain data, so it travels to the worker threads. */
export type SourceSpec = { kind: 'folder'; dir: string } | { kind: 's3'; listUrl: string; prefix: string; folderUrl: string }

export interface SourceFile {
  /** Relative to the folder, '/'-separated. */
  key: string
  bytes: number
  /** The server's ETag, without quotes; null for a local file. */
  etag: string | null
  /** Last-Modified (S3) or the file's mtime (local), ISO; a changed file shows here too. */
  modified: string | null
}

export interface Listing {
  spec: SourceSpec
  files: SourceFile[]
}

const DATA_FILE = /\.(parquet|gpq|geoparquet|pq)$/i

/** Data files only, never the index's own folder (it may sit inside the data folder). */
function isDataKey(key: string): boolean {
  return DATA_FILE.test(key) && !key.split('/').some((s) => s === INDEX_FOLDER || s.startsWith('.'))
}

const byKey = (a: SourceFile, b: SourceFile): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

async function walk(dir: string, rel: string, out: SourceFile[]): Promise<void> {
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const key = rel === '' ? entry.name : `${rel}/${entry.name}`
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== INDEX_FOLDER) await walk(dir, key, out)
    } else if (entry.isFile() && isDataKey(key)) {
      const s = await stat(path.join(dir, key))
      out.push({ key, bytes: s.size, etag: null, modified: s.mtime.toISOString() })
    }
  }
}

async function listFolder(dir: string): Promise<Listing> {
  const files: SourceFile[] = []
  await walk(dir, '', files)
  return { spec: { kind: 'folder', dir: path.resolve(dir) }, files: files.sort(byKey) }
}

/**
 * As the app lists a folder (services/flows/dataset/opening.ts): a path-style link on an unknown
 * host doesn't say how many segments name the bucket (MinIO: one; a proxy at /s3/<bucket>, as
 * the data server: two), so try one, two, then three, and report the first failure if none lists.
 */
async function listS3Folder(folderUrl: string) {
  const first = parseS3Url(folderUrl)
  const tries = [first]
  if (first.style === 'path-style')
    for (const n of [2, 3]) {
      try {
        const loc = parseS3Url(folderUrl, { bucketSegments: n })
        if (!tries.some((t) => t.listUrl === loc.listUrl)) tries.push(loc)
      } catch {
        // Fewer segments than that: no bucket at this depth.
      }
    }
  let failure: unknown = null
  for (const loc of tries) {
    try {
      return { loc, listing: await listObjects(loc.listUrl, { prefix: loc.prefix }) }
    } catch (err) {
      if (err instanceof DatasetError && err.code === 'network') throw err
      failure ??= err
    }
  }
  throw failure
}

async function listHttpFolder(url: string): Promise<Listing> {
  const folderUrl = url.endsWith('/') ? url : `${url}/`
  const { loc, listing } = await listS3Folder(folderUrl)
  if (listing.truncated) throw new Error(`The listing of ${folderUrl} has more pages than the builder reads (1,000 pages of keys); index a narrower folder.`)
  const files = listing.objects
    .map((o) => ({ key: o.key.slice(loc.prefix.length), bytes: o.size, etag: o.etag ?? null, modified: o.lastModified ?? null }))
    .filter((f) => f.key !== '' && isDataKey(f.key))
  return { spec: { kind: 's3', listUrl: loc.listUrl, prefix: loc.prefix, folderUrl }, files: files.sort(byKey) }
}

/** A local catalog's hrefs resolve against this stand-in origin, then map back to paths. */
const LOCAL_ORIGIN = 'https://local.invalid/'

async function listCatalog(input: string, entryId: string | undefined): Promise<Listing> {
  const remote = /^https?:\/\//.test(input)
  let text: string
  if (remote) {
    const res = await fetch(input)
    if (!res.ok) throw new Error(`The catalog ${input} answered ${res.status}.`)
    text = await res.text()
  } else {
    text = await readFile(input, 'utf8')
  }
  const catalogDir = remote ? '' : path.dirname(path.resolve(input))
  const base = remote ? input : LOCAL_ORIGIN + encodeKey(path.basename(input))
  const { entries, problems } = parseCatalog(JSON.parse(text), base)
  if (entries.length === 0) throw new Error(`The catalog ${input} has no usable entry. ${problems.join(' ')}`)
  const entry = entryId === undefined ? (entries.length === 1 ? entries[0] : undefined) : entries.find((e) => e.id === entryId)
  if (!entry) throw new Error(`The catalog ${input} has ${entries.length} entries (${entries.map((e) => e.id).join(', ')}); name one with --entry <id>.`)
  if (entry.layout !== 'prefix') throw new Error(`The catalog entry '${entry.id}' is a ${entry.layout}, not a folder; the builder indexes folders.`)
  if (!entry.href.startsWith(LOCAL_ORIGIN)) return listHttpFolder(entry.href)
  return listFolder(path.join(catalogDir, decodeURIComponent(new URL(entry.href).pathname)))
}

/** Lists the files of a folder path, an http(s) folder URL, or a catalog.json (path or URL). */
export async function listSource(input: string, opts: { entry?: string } = {}): Promise<Listing> {
  if (/\.json$/i.test(input.replace(/[?#].*$/, ''))) return listCatalog(input, opts.entry)
  if (/^https?:\/\//.test(input)) return listHttpFolder(input)
  const s = await stat(input).catch(() => null)
  if (!s?.isDirectory()) throw new Error(`${input} is neither a folder, an http(s) folder URL nor a catalog.json.`)
  return listFolder(input)
}

/** Where the header's `base` points by default: the data folder, from the index's folder. */
export function defaultBase(spec: SourceSpec, outDir: string): string {
  if (spec.kind === 's3') return spec.folderUrl
  const rel = path.relative(path.resolve(outDir), spec.dir).split(path.sep).join('/')
  return rel === '' ? './' : `${rel}/`
}

/** A local file as an AsyncBuffer; close() when done. */
async function fileBuffer(file: string): Promise<AsyncBuffer & { close(): Promise<void> }> {
  const handle = await open(file, 'r')
  const { size } = await handle.stat()
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const out = new Uint8Array(Math.max(0, end - start))
      let at = 0
      while (at < out.length) {
        const { bytesRead } = await handle.read(out, at, out.length - at, start + at)
        if (bytesRead === 0) break
        at += bytesRead
      }
      return out.buffer
    },
    close: () => handle.close(),
  }
}

/** Opens one file of the source; `close` releases it. */
export async function openSourceFile(spec: SourceSpec, key: string): Promise<{ buffer: AsyncBuffer; close(): Promise<void> }> {
  if (spec.kind === 'folder') {
    const buffer = await fileBuffer(path.join(spec.dir, ...key.split('/')))
    return { buffer, close: () => buffer.close() }
  }
  const buffer = await openRangeBuffer(`${spec.listUrl}/${encodeKey(spec.prefix + key)}`)
  return { buffer, close: async () => {} }
}
