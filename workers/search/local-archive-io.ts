// The archive I/O of an index made in the browser (app/lib/archive/local-build.ts): its header
// and code files from the browser's own storage, by their chipfinder-local: URLs; the data files,
// for the exact rescoring, over HTTP as for a published index. Any other URL goes to `http`, so the
// worker has one ArchiveIO and one search path whichever kind of index is open.

import type { ArchiveIO } from './archive.ts'
import { readCodePart } from '../../app/lib/archive/code-file.ts'
import { parseLocalUrl } from '../../app/lib/archive/local-build.ts'
import type { LocalStore, LocalStoreKind } from '../../app/lib/archive/local-store.ts'
import { parseIndexHeader } from '../../app/lib/archive/parse-header.ts'
import { DatasetError } from '../../app/lib/errors.ts'

export function storedArchiveIO(openStore: (kind: LocalStoreKind) => Promise<LocalStore | null>, http: ArchiveIO): ArchiveIO {
  async function read(url: string): Promise<Uint8Array> {
    const at = parseLocalUrl(url)
    if (!at) throw new DatasetError('bad-index', url, `${url} isn't an index kept in this browser.`)
    const store = await openStore(at.kind)
    if (!store) throw new DatasetError('bad-index', url, 'This browser no longer offers the storage the index was kept in.')
    const bytes = await store.read(at.path)
    if (!bytes) throw new DatasetError('bad-index', url, 'The index kept in this browser is gone (the browser may have cleared its storage). Make it again.')
    return bytes
  }
  return {
    async readHeader(url, signal) {
      if (!parseLocalUrl(url)) return http.readHeader(url, signal)
      const bytes = await read(url)
      let json: unknown
      try {
        json = JSON.parse(new TextDecoder().decode(bytes))
      } catch {
        throw new DatasetError('bad-index', url, 'The index kept in this browser is damaged. Make it again.')
      }
      return { header: parseIndexHeader(json, url), bytes: bytes.byteLength }
    },
    async readPart(url, part, header, signal, onBytes) {
      if (!parseLocalUrl(url)) return http.readPart(url, part, header, signal, onBytes)
      const bytes = await read(url)
      onBytes(bytes.byteLength)
      if (bytes.byteLength !== part.bytes)
        throw new DatasetError('truncated', part.path, `The kept index's ${part.path} is ${bytes.byteLength} bytes where its header says ${part.bytes}. Make it again.`)
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
      const rows = await readCodePart(file, { codeBytes: header.code.bytes, fileName: part.path })
      return { chips: rows.count, codes: rows.codes, ids: rows.ids, source: rows.source, row: rows.row, lon: rows.lon, lat: rows.lat, date: rows.date }
    },
    openSource: (url, signal) => http.openSource(url, signal),
  }
}
