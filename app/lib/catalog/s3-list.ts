// Lists the files under a prefix of an S3-compatible bucket over plain HTTP (ListObjectsV2:
// `GET <bucket-url>?list-type=2&prefix=…`, paginated with continuation tokens), and turns the
// links people paste into a bucket URL + prefix. Works anywhere fetch does (no DOMParser, so
// it runs in Web Workers). Data.source.coop answers any origin; AWS buckets only with CORS set.
//
// The listing is untrusted input: bodies are capped, the XML reader is small and bounded, every
// key is checked (under the prefix, no `.`/`..` segments, no control characters, sane length)
// before it can become a URL, and a server that keeps paging forever is stopped.

import { DatasetError } from '../errors.ts'

export interface S3Object {
  key: string
  /** Bytes. */
  size: number
  /** Without the quotes S3 puts around it. */
  etag?: string
  /** ISO 8601, as the server wrote it. */
  lastModified?: string
}

export interface ListPage {
  /** 0-based. */
  index: number
  objects: S3Object[]
  prefixes: string[]
}

export interface ListObjectsOptions {
  /** Keys must start with it; '' lists the whole bucket. */
  prefix?: string
  /** Usually '/': keys below the next '/' are rolled up into `prefixes` ("folders"). */
  delimiter?: string
  signal?: AbortSignal
  fetch?: typeof fetch
  /** Stop after this many pages (1,000 keys each on S3); default 1,000. */
  maxPages?: number
  /** Called after each page, for progress over long listings. */
  onPage?: (page: ListPage) => void
  /** Name used in messages; defaults to the bucket URL and prefix. */
  label?: string
}

export interface ListObjectsResult {
  objects: S3Object[]
  /** Common prefixes ("folders") when a delimiter was given, in listing order. */
  prefixes: string[]
  /** Pages fetched. */
  pages: number
  /** True when maxPages stopped the listing before its end. */
  truncated: boolean
  /** Keys left out because they failed validation (see isSafeKey). */
  rejected: number
}

/** Caps on what one page may hold. S3 pages are ≤ 1,000 keys, a few hundred KB. */
const MAX_PAGE_BYTES = 16 * 1024 * 1024
const MAX_KEY_BYTES = 1024
const MAX_TOKEN_LENGTH = 4096
const DEFAULT_MAX_PAGES = 1000
const MAX_XML_DEPTH = 16
const MAX_XML_ELEMENTS = 200_000

// ---------------------------------------------------------------------------------------------
// A small, tolerant XML reader: elements, text, CDATA, entities. Enough for S3's responses;
// namespaces are dropped (`s3:Key` reads as `Key`); comments, processing instructions and
// DOCTYPEs are skipped (no entity definitions are ever expanded).

export interface XmlElement {
  name: string
  children: XmlElement[]
  text: string
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Decodes the five XML entities and numeric character references; unknown ones stay as written. */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4});/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
      return valid ? String.fromCodePoint(code) : '\uFFFD'
    }
    return NAMED_ENTITIES[body] ?? whole
  })
}

function localName(qname: string): string {
  const i = qname.indexOf(':')
  return i === -1 ? qname : qname.slice(i + 1)
}

/**
 * Parses an XML document into a tree of elements (attributes are ignored). Tolerant: a stray
 * closing tag is ignored, unclosed elements are closed at the end. Returns null for input that
 * has no element at all, nests deeper than 16, or has more than 200,000 elements.
 */
export function parseXml(xml: string): XmlElement | null {
  const root: XmlElement = { name: '#document', children: [], text: '' }
  const stack: XmlElement[] = [root]
  let elements = 0
  let i = 0
  const n = xml.length
  while (i < n) {
    const lt = xml.indexOf('<', i)
    const textEnd = lt === -1 ? n : lt
    if (textEnd > i) {
      const top = stack[stack.length - 1] as XmlElement
      top.text += decodeXmlEntities(xml.slice(i, textEnd))
    }
    if (lt === -1) break
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4)
      i = end === -1 ? n : end + 3
      continue
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9)
      const top = stack[stack.length - 1] as XmlElement
      top.text += xml.slice(lt + 9, end === -1 ? n : end)
      i = end === -1 ? n : end + 3
      continue
    }
    if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) {
      // A declaration or DOCTYPE; an internal subset's brackets are skipped as a whole.
      let end = xml.indexOf('>', lt)
      const bracket = xml.indexOf('[', lt)
      if (bracket !== -1 && end !== -1 && bracket < end && xml.startsWith('<!DOCTYPE', lt)) {
        const close = xml.indexOf(']', bracket)
        end = close === -1 ? -1 : xml.indexOf('>', close)
      }
      i = end === -1 ? n : end + 1
      continue
    }
    const gt = xml.indexOf('>', lt)
    if (gt === -1) break
    const tag = xml.slice(lt + 1, gt)
    i = gt + 1
    if (tag.startsWith('/')) {
      const name = localName(tag.slice(1).trim())
      // Close up to the matching open element; a closing tag with no opener is ignored.
      for (let d = stack.length - 1; d > 0; d--) {
        if ((stack[d] as XmlElement).name === name) {
          stack.length = d
          break
        }
      }
      continue
    }
    const selfClosing = tag.endsWith('/')
    const m = /^([A-Za-z_][\w.:-]*)/.exec(tag)
    if (!m) continue
    if (++elements > MAX_XML_ELEMENTS) return null
    const el: XmlElement = { name: localName(m[1] as string), children: [], text: '' }
    ;(stack[stack.length - 1] as XmlElement).children.push(el)
    if (!selfClosing) {
      if (stack.length > MAX_XML_DEPTH) return null
      stack.push(el)
    }
  }
  return root.children[0] ?? null
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name)
}

function childText(el: XmlElement, name: string): string | undefined {
  return child(el, name)?.text
}

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * True for a key that can safely become part of a URL under the bucket: 1–1024 UTF-8 bytes, no
 * control characters, no `.` or `..` path segments (which a URL would resolve upwards).
 */
export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_KEY_BYTES) return false
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) return false
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return false
  for (const segment of key.split('/')) {
    if (segment === '.' || segment === '..') return false
  }
  return true
}

/** A key as a URL path: each segment percent-encoded, the slashes kept. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/')
}

// ---------------------------------------------------------------------------------------------
// Listing

interface ParsedPage {
  objects: S3Object[]
  prefixes: string[]
  rejected: number
  isTruncated: boolean
  continuationToken: string | null
  nextMarker: string | null
}

function listingError(label: string, message: string): DatasetError {
  return new DatasetError('bad-listing', label, message)
}

function describeBody(body: string): string {
  const head = body.trimStart().slice(0, 200).toLowerCase()
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'a web page (HTML)'
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON'
  if (head.startsWith('<')) return 'some other XML'
  if (head === '') return 'nothing'
  return 'plain text'
}

function parseListPage(body: string, prefix: string, label: string): ParsedPage {
  const doc = parseXml(body)
  if (!doc || doc.name !== 'ListBucketResult') {
    throw listingError(
      label,
      `${label} didn't answer with a bucket listing (it sent ${describeBody(body)}). Check that the address is an S3-compatible bucket or folder.`,
    )
  }
  const urlEncoded = (childText(doc, 'EncodingType') ?? '').trim().toLowerCase() === 'url'
  const decode = (s: string): string | null => {
    if (!urlEncoded) return s
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '))
    } catch {
      return null
    }
  }
  const objects: S3Object[] = []
  const prefixes: string[] = []
  let rejected = 0
  for (const el of doc.children) {
    if (el.name === 'Contents') {
      const key = decode(childText(el, 'Key') ?? '')
      const sizeText = (childText(el, 'Size') ?? '').trim()
      const size = /^\d{1,16}$/.test(sizeText) ? Number(sizeText) : NaN
      if (key === null || !isSafeKey(key) || !key.startsWith(prefix) || !Number.isSafeInteger(size)) {
        rejected++
        continue
      }
      const obj: S3Object = { key, size }
      const etag = childText(el, 'ETag')?.trim().replace(/^"(.*)"$/, '$1')
      if (etag && etag.length <= 200) obj.etag = etag
      const modified = childText(el, 'LastModified')?.trim()
      if (modified && modified.length <= 64 && Number.isFinite(Date.parse(modified))) obj.lastModified = modified
      objects.push(obj)
    } else if (el.name === 'CommonPrefixes') {
      const p = decode(childText(el, 'Prefix') ?? '')
      if (p === null || !isSafeKey(p) || !p.startsWith(prefix)) {
        rejected++
        continue
      }
      prefixes.push(p)
    }
  }
  const truncatedText = (childText(doc, 'IsTruncated') ?? '').trim().toLowerCase()
  const token = childText(doc, 'NextContinuationToken')?.trim() ?? ''
  const marker = childText(doc, 'NextMarker')?.trim() ?? ''
  return {
    objects,
    prefixes,
    rejected,
    isTruncated: truncatedText === 'true',
    continuationToken: token !== '' && token.length <= MAX_TOKEN_LENGTH ? token : null,
    nextMarker: marker !== '' && marker.length <= MAX_KEY_BYTES * 3 ? (decode(marker) ?? null) : null,
  }
}

/** Reads a body as text, refusing more than `max` bytes. */
async function readCapped(res: Response, max: number, label: string): Promise<string> {
  const declared = Number(res.headers.get('Content-Length') ?? NaN)
  if (declared > max) throw listingError(label, `${label} sent a listing page of ${declared} bytes; more than ${max} isn't read.`)
  const reader = res.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > max) {
      await reader.cancel().catch(() => {})
      throw listingError(label, `${label} sent a listing page over ${max} bytes; it isn't read.`)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.length
  }
  return new TextDecoder().decode(all)
}

/** S3's own error document: <Error><Code>AccessDenied</Code><Message>…</Message></Error>. */
function s3ErrorCode(body: string): string | null {
  const doc = parseXml(body)
  if (!doc || doc.name !== 'Error') return null
  const code = childText(doc, 'Code')?.trim()
  return code && code.length <= 100 ? code : null
}

async function httpListingError(res: Response, label: string): Promise<DatasetError> {
  const { status } = res
  let code: string | null
  try {
    code = s3ErrorCode(await readCapped(res, 64 * 1024, label))
  } catch {
    code = null
  }
  const why = code ? `${status} ${code}` : String(status)
  let message: string
  if (status === 403 || status === 401) {
    message =
      `The bucket doesn't allow listing ${label} (${why}). Its files may still be readable one by one: ` +
      'open a file by its URL, or use a catalog that lists the files.'
  } else if (status === 404) {
    message = `There is no bucket or folder at ${label} (${why}). Check the address.`
  } else if (status === 429 || status >= 500) {
    message = `The server couldn't list ${label} right now (${why}). Try again later.`
  } else {
    message = `The server answered ${why} when asked to list ${label}.`
  }
  return new DatasetError('http', label, message, status)
}

function listRequestUrl(baseUrl: string, params: [string, string][]): string {
  const base = baseUrl.replace(/[?#].*$/, '').replace(/\/+$/, '')
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  return `${base}?${query}`
}

/**
 * Lists every object under `prefix` (ListObjectsV2), following continuation tokens until the
 * server says the listing is complete or `maxPages` is reached. Throws DatasetError: 'http'
 * (403 means listing isn't allowed), 'network' (offline or CORS), 'bad-listing' (not a listing,
 * or a server that pages in circles), 'aborted'.
 */
export async function listObjects(baseUrl: string, opts: ListObjectsOptions = {}): Promise<ListObjectsResult> {
  const prefix = opts.prefix ?? ''
  const { delimiter, signal, onPage } = opts
  const maxPages = Math.max(1, Math.floor(opts.maxPages ?? DEFAULT_MAX_PAGES))
  const label = opts.label ?? `${baseUrl.replace(/\/+$/, '')}/${prefix}`
  const doFetch: typeof fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const objects: S3Object[] = []
  const prefixes: string[] = []
  let rejected = 0
  let pages = 0
  let after: ['continuation-token' | 'marker' | 'start-after', string] | null = null
  const seen = new Set<string>()

  for (;;) {
    if (signal?.aborted) throw new DatasetError('aborted', label, `Listing ${label} was cancelled.`)
    if (pages >= maxPages) return { objects, prefixes, pages, truncated: true, rejected }
    const params: [string, string][] = [['list-type', '2'], ['prefix', prefix]]
    if (delimiter) params.push(['delimiter', delimiter])
    if (after) params.push(after)
    let res: Response
    try {
      res = await doFetch(listRequestUrl(baseUrl, params), { method: 'GET', signal: signal ?? null })
    } catch (err) {
      if (signal?.aborted) throw new DatasetError('aborted', label, `Listing ${label} was cancelled.`)
      if (err instanceof DatasetError) throw err
      throw new DatasetError(
        'network',
        label,
        `Couldn't list ${label}. The server may not allow browser access (CORS), or you may be offline.`,
      )
    }
    if (!res.ok) throw await httpListingError(res, label)
    let body: string
    try {
      body = await readCapped(res, MAX_PAGE_BYTES, label)
    } catch (err) {
      if (signal?.aborted) throw new DatasetError('aborted', label, `Listing ${label} was cancelled.`)
      if (err instanceof DatasetError) throw err
      throw new DatasetError('truncated', label, `The listing of ${label} broke off. Check your connection and try again.`)
    }
    const page = parseListPage(body, prefix, label)
    pages++
    objects.push(...page.objects)
    prefixes.push(...page.prefixes)
    rejected += page.rejected
    onPage?.({ index: pages - 1, objects: page.objects, prefixes: page.prefixes })
    if (!page.isTruncated) return { objects, prefixes, pages, truncated: false, rejected }

    // Where the next page starts: the continuation token (V2); a V1 server's NextMarker; else
    // after the last key or prefix of this page.
    const lastKey = [page.objects.at(-1)?.key, page.prefixes.at(-1)].filter((k): k is string => k !== undefined).sort().at(-1)
    if (page.continuationToken !== null) after = ['continuation-token', page.continuationToken]
    else if (page.nextMarker !== null) after = ['marker', page.nextMarker]
    else if (lastKey !== undefined) after = ['start-after', lastKey]
    else throw listingError(label, `${label}'s listing says more pages follow but doesn't say where they start.`)
    const where = after.join('=')
    if (seen.has(where)) throw listingError(label, `${label}'s listing keeps returning the same page; it was stopped after ${pages} pages.`)
    seen.add(where)
  }
}

// ---------------------------------------------------------------------------------------------
// Pasted links

export interface S3Location {
  /** Pass to listObjects: the bucket's URL (no trailing slash). */
  listUrl: string
  /** Key prefix inside the bucket ('' for the whole bucket), percent-decoded. */
  prefix: string
  /** The bucket's name as the host or path gives it (for source.coop: "<account>/<product>"). */
  bucket: string
  /** How the link was read. */
  style: 'source-coop' | 'virtual-host' | 'path-style'
  /** The HTTPS URL of an object, by key. Throws for keys that aren't safe (see isSafeKey). */
  objectUrl(key: string): string
}

export interface ParseS3UrlOptions {
  /**
   * How many leading path segments name the bucket for a path-style URL on an unknown host
   * (default 1: `https://host/bucket/prefix`). A server that keeps buckets deeper (a proxy at
   * `/s3/<bucket>/`) says 2.
   */
  bucketSegments?: number
}

/** Public S3 mirrors a browser can reach over HTTPS: s3:// bucket → HTTPS base. */
const PUBLIC_S3_MIRRORS: Record<string, { base: string; segments: number }> = {
  // Source Cooperative's bucket; data.source.coop serves the same keys with CORS.
  'us-west-2.opendata.source.coop': { base: 'https://data.source.coop', segments: 2 },
}

function urlError(input: string, message: string): DatasetError {
  const label = input.length > 120 ? `${input.slice(0, 117)}…` : input
  return new DatasetError('unsupported-url', label, message)
}

function decodeSegments(segments: string[], input: string): string[] {
  return segments.map((s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      throw urlError(input, `${input} has a broken percent-encoding (${s}).`)
    }
  })
}

function makeLocation(listUrl: string, bucket: string, prefixSegments: string[], trailingSlash: boolean, style: S3Location['style']): S3Location {
  let prefix = prefixSegments.join('/')
  if (prefix !== '' && trailingSlash) prefix += '/'
  return {
    listUrl,
    prefix,
    bucket,
    style,
    objectUrl(key: string): string {
      if (!isSafeKey(key)) throw new DatasetError('unsupported-url', key.slice(0, 120), `The key ${JSON.stringify(key.slice(0, 120))} can't be made into a link.`)
      return `${listUrl}/${encodeKey(key)}`
    },
  }
}

const VIRTUAL_HOST = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/
const AWS_PATH_HOST = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/

/**
 * Reads what a person pastes as a bucket or folder:
 * - `https://data.source.coop/<account>/<product>/<prefix>` (and source.coop page links);
 * - `s3://us-west-2.opendata.source.coop/<account>/<product>/<prefix>` (Source Cooperative's
 *   bucket, mapped to data.source.coop); any other s3:// link is refused: a browser can't
 *   reach it, and its HTTPS address has to come from whoever publishes it;
 * - virtual-hosted `https://<bucket>.s3[.<region>].amazonaws.com/<prefix>`;
 * - path-style `https://s3[.<region>].amazonaws.com/<bucket>/<prefix>` or `https://<host>/<bucket>/<prefix>`
 *   (MinIO, Ceph, GCS's XML API, …).
 * Throws DatasetError 'unsupported-url' with what to do instead.
 */
export function parseS3Url(input: string, opts: ParseS3UrlOptions = {}): S3Location {
  const text = input.trim()
  if (text === '') throw urlError(input, 'Paste the address of a bucket or folder.')
  if (/^s3:\/\//i.test(text)) {
    const rest = text.slice(5).replace(/[?#].*$/, '')
    const [bucket = '', ...segments] = rest.split('/')
    const mirror = PUBLIC_S3_MIRRORS[bucket.toLowerCase()]
    if (mirror) return parseS3Url(`${mirror.base}/${segments.join('/')}`, opts)
    throw urlError(
      text,
      `${text} is an s3:// link, which a browser can't open. If the bucket is public, use its HTTPS address instead, ` +
        `e.g. https://${bucket || '<bucket>'}.s3.amazonaws.com/${segments.join('/')} (the bucket must also allow browser access, CORS).`,
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw urlError(text, `${text} isn't a web address. Paste an https:// link to a bucket or folder.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw urlError(text, `${url.protocol.replace(':', '')}: links can't be listed; paste an https:// link to a bucket or folder.`)
  }
  if (url.username || url.password) throw urlError(text, 'Links with a user name or password in them are not opened.')
  const host = url.hostname.toLowerCase()
  const raw = url.pathname.split('/').filter((s) => s !== '')
  const trailingSlash = url.pathname.endsWith('/')
  const segments = decodeSegments(raw, text)
  const origin = `${url.protocol}//${url.host}`

  // Source Cooperative: data.source.coop/<account>/<product>/…; its web pages at source.coop
  // (/<account>/<product>/… or /repositories/<account>/<product>/(browse|description)/…).
  if (host === 'source.coop' || host.endsWith('.source.coop')) {
    let parts = segments
    if (host !== 'data.source.coop') {
      if (parts[0] === 'repositories') parts = parts.slice(1)
      if (parts[2] === 'description') parts = parts.slice(0, 2)
      else if (parts[2] === 'browse') parts = [...parts.slice(0, 2), ...parts.slice(3)]
    }
    const [account, product, ...prefix] = parts
    if (!account || !product) {
      throw urlError(text, `Give the account and the product: https://data.source.coop/<account>/<product>/ (from ${text}).`)
    }
    const bucket = `${account}/${product}`
    return makeLocation(`https://data.source.coop/${encodeKey(bucket)}`, bucket, prefix, trailingSlash || prefix.length === 0, 'source-coop')
  }

  const virtual = VIRTUAL_HOST.exec(host)
  if (virtual) {
    const bucket = virtual[1] as string
    return makeLocation(origin, bucket, segments, trailingSlash, 'virtual-host')
  }

  const bucketSegments = AWS_PATH_HOST.test(host) ? 1 : Math.max(1, Math.floor(opts.bucketSegments ?? 1))
  if (segments.length < bucketSegments) {
    throw urlError(text, `${text} names no bucket: expected https://${url.host}/<bucket>/<folder>.`)
  }
  const bucketParts = segments.slice(0, bucketSegments)
  const bucket = bucketParts.join('/')
  return makeLocation(`${origin}/${encodeKey(bucket)}`, bucket, segments.slice(bucketSegments), trailingSlash, 'path-style')
}
