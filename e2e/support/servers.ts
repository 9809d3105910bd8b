// Where the end-to-end servers listen, and URL builders for the data server's routes
// (e2e/support/data-server.mjs documents each route). playwright.config.ts reads the ports from here.

// The E2E_*_PORT variables move a run off the default ports, e.g. to run a second suite while
// another holds them (Playwright passes its environment on to the test workers).
function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${name} is not a port: ${process.env[name]}`)
  return value
}

export const HOST = '127.0.0.1'
/** `vite preview` of the production build. */
export const APP_PORT = port('E2E_APP_PORT', 4173)
/** The data server, with CORS headers. */
export const DATA_PORT = port('E2E_DATA_PORT', 4180)
/** The same routes without any CORS headers: a browser page on another origin cannot read them. */
export const NO_CORS_PORT = port('E2E_NO_CORS_PORT', 4181)

export const APP_URL = `http://${HOST}:${APP_PORT}`
export const DATA_URL = `http://${HOST}:${DATA_PORT}`
export const NO_CORS_DATA_URL = `http://${HOST}:${NO_CORS_PORT}`

/** The real published Clay v0 file in shared/fixtures/clay-v0 (417 chips). */
export const CLAY_SAMPLE = '03WVN_20220610_20220610_v001.gpq'

/** Names of the generated files in e2e/.fixtures (scripts/make-fixtures.mjs writes them). */
export type FixtureName =
  | 'small-valid.parquet'
  | 'not-parquet.parquet'
  | 'empty.parquet'
  | 'no-embedding.parquet'
  | 'ragged.parquet'
  | 'some-nan.parquet'
  | 'all-nan.parquet'
  | 'no-rows.parquet'
  | 'no-geometry.parquet'
  | 'web-mercator.parquet'

/** URLs on the data server; `base` picks the port (DATA_URL by default, NO_CORS_DATA_URL to refuse). */
export const dataUrls = {
  health: (base = DATA_URL) => `${base}/health`,
  /** A generated fixture. */
  file: (name: FixtureName, base = DATA_URL) => `${base}/files/${name}`,
  /** A real published file. */
  clay: (name: string = CLAY_SAMPLE, base = DATA_URL) => `${base}/clay-v0/${name}`,
  /** Answers `code` to every GET. */
  status: (code: number, name = 'missing.parquet', base = DATA_URL) => `${base}/status/${code}/${name}`,
  /** A real file whose every GET is cut off after half the requested bytes. */
  truncate: (name: string = CLAY_SAMPLE, base = DATA_URL) => `${base}/truncate/${name}`,
  /** Another route (e.g. `clay-v0/<name>`, `status/500/x`) answered after `ms` (at most 5000). */
  slow: (route: string, ms: number, base = DATA_URL) => `${base}/slow/${route}?ms=${ms}`,
  /** A host site framing `src` (the app's embed link) in an iframe of the given size. */
  embedHost: (src: string, size: { width: number; height: number }, base = DATA_URL) =>
    `${base}/embed-host.html?${new URLSearchParams({ src, width: String(size.width), height: String(size.height) })}`,
  /** A host site with the <chipfinder-search> web component (the app's script), with these attributes. */
  embedComponent: (attributes: Record<string, string>, base = DATA_URL) =>
    `${base}/embed-component.html?${new URLSearchParams({ script: `${APP_URL}/chipfinder-embed.js`, ...attributes })}`,
} as const

/**
 * The S3-compatible buckets of the data server: the generated sets, the real sample's folder and
 * the large generated sets (e2e/support/large-sets.ts writes one on demand).
 */
export type Bucket = 'synthetic' | 'clay-v0-sample' | 'large'

/** Path segments encoded one by one, slashes kept: `lgnd/gzd=37M/…` → `lgnd/gzd%3D37M/…`. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/')
}

export interface ListOptions {
  delimiter?: string
  maxKeys?: number
  continuationToken?: string
  startAfter?: string
  /** A fault spec (see data-server.mjs), e.g. `list-403` or `500x1,tag-mine`. */
  fault?: string
  base?: string
}

/**
 * URLs of the S3-compatible endpoint (`/s3/…`, `/s3-fault/<spec>/…`; data-server.mjs documents
 * the routes and fault specs). Keys are relative to the bucket; a bucket may be followed by a
 * folder (`synthetic/clay-v0-global`) to list relative to it, as data.source.coop lists a product.
 */
export const s3Urls = {
  /** ListObjectsV2 (`?list-type=2&prefix=…`). */
  list: (bucket: Bucket | `${Bucket}/${string}`, prefix = '', options: ListOptions = {}) => {
    const { base = DATA_URL, fault } = options
    const q = new URLSearchParams({ 'list-type': '2', prefix })
    if (options.delimiter !== undefined) q.set('delimiter', options.delimiter)
    if (options.maxKeys !== undefined) q.set('max-keys', String(options.maxKeys))
    if (options.continuationToken !== undefined) q.set('continuation-token', options.continuationToken)
    if (options.startAfter !== undefined) q.set('start-after', options.startAfter)
    const root = fault === undefined ? `${base}/s3` : `${base}/s3-fault/${encodeURIComponent(fault)}`
    return `${root}/${encodeKey(bucket)}?${q}`
  },
  /** One object, range-served. */
  object: (bucket: Bucket, key: string, base = DATA_URL) => `${base}/s3/${bucket}/${encodeKey(key)}`,
  /** A folder URL, as a catalog's href or a person would give it (e.g. a set's prefix). */
  folder: (bucket: Bucket, folder = '', base = DATA_URL) => `${base}/s3/${bucket}/${folder ? `${encodeKey(folder.replace(/\/$/, ''))}/` : ''}`,
  /** An object (or, with key '', the bucket) behind the faults of `spec`, e.g. `403`, `500x2`, `slow-500`, `truncate`. */
  fault: (spec: string, bucket: Bucket, key = '', base = DATA_URL) => `${base}/s3-fault/${encodeURIComponent(spec)}/${bucket}/${encodeKey(key)}`,
  /** The synthetic sets' catalog.json (scripts/make-synthetic-sets.mjs). */
  catalog: (base = DATA_URL) => `${base}/s3/synthetic/catalog.json`,
  /** The synthetic sets' manifest.json: every file and planted chip. */
  manifest: (base = DATA_URL) => `${base}/s3/synthetic/manifest.json`,
  /** POST: forget the fault counters (all, or those of one spec) and request counts. */
  reset: (spec?: string, base = DATA_URL) => `${base}/__reset${spec === undefined ? '' : `?spec=${encodeURIComponent(spec)}`}`,
  /** GET: JSON of the fault counters and request counts. */
  counts: (base = DATA_URL) => `${base}/__counts`,
} as const
