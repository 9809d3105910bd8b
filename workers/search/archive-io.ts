// The archive index's I/O in the browser: index.json by one GET, each code file through ranged
// reads (Cache Storage keeps them, keyed by the build as well as the range, so a rebuilt index at
// the same address is never answered with an older build's bytes), and the data files by ranged
// reads with their ETag taken from the HEAD that sizes them.

import type { ArchiveIO } from './archive.ts'
import type { CodePart } from '../../app/lib/archive/archive.ts'
import { readCodePart } from '../../app/lib/archive/code-file.ts'
import { parseIndexHeader } from '../../app/lib/archive/parse-header.ts'
import { DatasetError, isAbortError } from '../../app/lib/errors.ts'
import { fileNameFromUrl, openRangeBuffer } from '../../app/lib/http/range-buffer.ts'
import { resilientFetch } from '../../app/lib/http/resilient-fetch.ts'

/** index.json is a few kilobytes to a few megabytes (the sources list of a big archive). */
const MAX_HEADER_BYTES = 64 * 1024 * 1024

async function readHeaderJson(url: string, signal: AbortSignal, doFetch: typeof fetch): Promise<{ json: unknown; bytes: number }> {
  let res: Response
  try {
    res = await doFetch(url, { signal })
  } catch (err) {
    if (isAbortError(err) || signal.aborted) throw new DatasetError('aborted', url, 'Opening the index was cancelled.')
    throw new DatasetError('network', url, `The index at ${url} couldn't be reached: the server may be down or may not allow this page to read it (CORS).`)
  }
  if (res.status === 404) throw new DatasetError('http', url, `There is no index at ${url} (the server says 404). Build one with \`npm run index\` and put it there.`, 404)
  if (res.status === 403) throw new DatasetError('http', url, `The server refuses to give out the index at ${url} (403). Check that the folder is public.`, 403)
  if (!res.ok) throw new DatasetError('http', url, `The server answered ${res.status} for the index at ${url}. Try again later.`, res.status)
  const length = Number(res.headers.get('Content-Length') ?? NaN)
  if (length > MAX_HEADER_BYTES) throw new DatasetError('bad-index', url, `The index header at ${url} is ${length} bytes, more than an index header can be.`)
  const text = await res.text()
  try {
    return { json: JSON.parse(text) as unknown, bytes: text.length }
  } catch {
    const page = /^\s*</.test(text)
    throw new DatasetError(
      'bad-index',
      url,
      page
        ? `The address ${url} gives a web page, not an index: check the address.`
        : `The index header at ${url} isn't valid JSON: it may be cut short or damaged. Rebuild it with \`npm run index\`.`,
    )
  }
}

export function browserArchiveIO(doFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)): ArchiveIO {
  const plain = resilientFetch({ cache: false, fetch: doFetch })
  return {
    async readHeader(url, signal) {
      const { json, bytes } = await readHeaderJson(url, signal, plain)
      return { header: parseIndexHeader(json, url), bytes }
    },

    async readPart(url, part, header, signal, onBytes): Promise<CodePart> {
      const fetchPart = resilientFetch({ fetch: doFetch, cacheTag: `${header.created}:${part.bytes}` })
      const file = await openRangeBuffer(url, { signal, fetch: fetchPart, onBytes: (b) => onBytes(b) })
      if (file.byteLength !== part.bytes)
        throw new DatasetError('truncated', part.path, `The index file ${part.path} is ${file.byteLength} bytes where the header says ${part.bytes}: it is incomplete or from another build. Build the index again.`)
      const rows = await readCodePart(file, { codeBytes: header.code.bytes, fileName: fileNameFromUrl(url) })
      return { chips: rows.count, codes: rows.codes, ids: rows.ids, source: rows.source, row: rows.row, lon: rows.lon, lat: rows.lat, date: rows.date }
    },

    async openSource(url, signal) {
      let etag: string | null = null
      const fetchSource = resilientFetch({ fetch: doFetch })
      const watching: typeof fetch = async (input, init) => {
        const res = await fetchSource(input, init)
        if ((init?.method ?? 'GET').toUpperCase() === 'HEAD' && res.ok) etag = res.headers.get('ETag')
        return res
      }
      const file = await openRangeBuffer(url, { ...(signal ? { signal } : {}), fetch: watching })
      return {
        byteLength: file.byteLength,
        slice: (start: number, end?: number) => file.slice(start, end),
        get etag() {
          return etag
        },
        requests: () => file.requests(),
        bytesRead: () => file.bytesRead(),
      }
    },
  }
}
