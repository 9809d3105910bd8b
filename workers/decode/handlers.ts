// Reading one file, as a plain async function: the decode worker runs it, and so do tests
// in-process.

import { fileNameFromUrl, openRangeBuffer } from '../../app/lib/http/range-buffer.ts'
import { readEmbeddings } from '../../app/lib/geoparquet/read-embeddings.ts'
import { DatasetError } from '../../app/lib/errors.ts'
import type { EmbeddingTable, ReadProgress } from '../../app/lib/geoparquet/types.ts'
import type { HandlerContext, Handlers } from '../rpc/rpc.ts'
import type { CodedFile, DecodeProtocol, DecodedFile, FileSource } from './protocol.ts'
import { codeRowsFromTable, columnSums } from '../../app/lib/archive/chip-rows.ts'
import { datasetIdentity } from '../../app/lib/geoparquet/footer.ts'

export interface DecodeOptions {
  /** The fetch to read with (retries and caching are layered on it by the caller). */
  fetch?: typeof fetch
}

async function decode(source: FileSource, ctx: HandlerContext<ReadProgress>, options: DecodeOptions): Promise<DecodedFile> {
  let table
  if (source.kind === 'file') {
    const totalBytes = source.file.size
    if (totalBytes === 0) throw new DatasetError('empty', source.fileName, `${source.fileName} is empty (0 bytes).`)
    const buffer = await source.file.arrayBuffer()
    const bytesRead = buffer.byteLength
    ctx.progress({ bytesRead, totalBytes, chips: 0 })
    table = await readEmbeddings(buffer, {
      fileName: source.fileName,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress({ ...p, bytesRead, totalBytes }),
    })
  } else {
    table = await readUrl(source.url, ctx, options)
  }
  return {
    summary: table.summary,
    embeddings: table.embeddings,
    skipped: table.skipped,
    chips: {
      ids: table.ids,
      dates: table.dates,
      sourceUrls: table.sourceUrls,
      ringCoords: table.ringCoords,
      ringStarts: table.ringStarts,
      extra: table.extra,
    },
  }
}

/** A file read by ranges, decoded, with its bytes and chips reported as they arrive. */
async function readUrl(url: string, ctx: HandlerContext<ReadProgress>, options: DecodeOptions): Promise<EmbeddingTable> {
  const fileName = fileNameFromUrl(url)
  let bytesRead = 0
  let totalBytes: number | null = null
  const file = await openRangeBuffer(url, {
    signal: ctx.signal,
    fileName,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    onBytes: (read, total) => {
      bytesRead = read
      totalBytes = total
      ctx.progress({ bytesRead, totalBytes, chips: 0 })
    },
  })
  return readEmbeddings(file, {
    fileName,
    signal: ctx.signal,
    bytesRead: () => bytesRead,
    onProgress: (p) => ctx.progress({ ...p, bytesRead, totalBytes }),
  })
}

/** A file read for a stored index: its sum (no mean) or its codes; the float32 rows stay here. */
async function codeFile(url: string, mean: Float32Array | null, ctx: HandlerContext<ReadProgress>, options: DecodeOptions): Promise<CodedFile> {
  const table = await readUrl(url, ctx, options)
  const { dims, count, totalRows } = table.summary
  const identity = datasetIdentity(table.summary)
  if (mean === null) return { identity, rows: totalRows, chips: count, sum: columnSums(table), code: null }
  if (mean.length !== dims) return { identity, rows: totalRows, chips: count, sum: null, code: null }
  return { identity, rows: totalRows, chips: count, sum: null, code: codeRowsFromTable(table, mean, 0) }
}

export function createDecodeHandlers(options: DecodeOptions = {}): Handlers<DecodeProtocol> {
  return {
    decode: ({ source }, ctx) => decode(source, ctx, options),
    codeFile: ({ url, mean }, ctx) => codeFile(url, mean, ctx, options),
  }
}
