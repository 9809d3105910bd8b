// Reads an archive's files one at a time with the app's reader, so a pass over 3.7 GB of rows
// holds one file's rows (a few MB) at once.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { readEmbeddings } from '../../app/lib/geoparquet/read-embeddings.ts'
import type { ArchiveFile, ArchiveManifest } from '../../scripts/make-archive.mjs'

export interface FileRows {
  file: ArchiveFile
  /** Position of the file in manifest.files. */
  index: number
  /** Global ordinal of the file's first chip (files in manifest order, rows in file order). */
  offset: number
  embeddings: Float32Array
  ids: readonly string[]
}

export async function readArchiveFile(dir: string, file: ArchiveFile): Promise<{ embeddings: Float32Array; ids: readonly string[] }> {
  const b = await readFile(path.join(dir, file.key))
  const t = await readEmbeddings(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, { fileName: path.basename(file.key) })
  if (t.summary.count !== file.rows) throw new Error(`${file.key}: ${t.summary.count} rows read, the manifest says ${file.rows}`)
  return { embeddings: t.embeddings, ids: t.ids }
}

/** Calls fn for every file, in manifest order, reading the next file while fn runs. */
export async function forEachFile(manifest: ArchiveManifest & { dir: string }, fn: (rows: FileRows) => void): Promise<void> {
  let offset = 0
  let next = manifest.files.length > 0 ? readArchiveFile(manifest.dir, manifest.files[0]!) : null
  for (let index = 0; index < manifest.files.length; index++) {
    const file = manifest.files[index]!
    const rows = await next!
    next = index + 1 < manifest.files.length ? readArchiveFile(manifest.dir, manifest.files[index + 1]!) : null
    fn({ file, index, offset, ...rows })
    offset += file.rows
  }
}

/** The global ordinal of every chip the manifest names, by `key#row`. */
export function ordinals(manifest: ArchiveManifest): (key: string, row: number) => number {
  const first = new Map<string, number>()
  let offset = 0
  for (const f of manifest.files) {
    first.set(f.key, offset)
    offset += f.rows
  }
  return (key, row) => {
    const o = first.get(key)
    if (o === undefined) throw new Error(`${key} is not in the archive`)
    return o + row
  }
}
