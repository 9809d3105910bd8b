// The e2e data server's S3-compatible endpoint and fault routes (e2e/support/data-server.mjs),
// started in-process on free ports. It lives under scripts/ because vitest runs scripts' tests.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseFaultSpec, startDataServer, type DataServer } from '../e2e/support/data-server.mjs'

const CLAY_SAMPLE = '03WVN_20220610_20220610_v001.gpq'
const clayDir = path.resolve(process.env.CHIPFINDER_FIXTURES ?? path.join(import.meta.dirname, '..', '..', 'shared', 'fixtures'), 'clay-v0')

let server: DataServer
let tmp = ''

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'chipfinder-ds-'))
  server = await startDataServer({ port: 0, noCorsPort: 0, dir: tmp, clayDir, log: () => {} })
}, 120_000)
afterAll(async () => {
  await server?.close()
  rmSync(tmp, { recursive: true, force: true })
})
beforeEach(async () => {
  await fetch(`${server.url}/__reset`, { method: 'POST' })
})

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
const all = (xml: string, re: RegExp) => [...xml.matchAll(re)].map((m) => unescape(m[1]!))
const one = (xml: string, tag: string) => {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)
  return m ? unescape(m[1]!) : null
}

interface Page {
  status: number
  xml: string
  keys: string[]
  prefixes: string[]
  truncated: boolean
  next: string | null
  keyCount: number
}

async function list(pathAndQuery: string, base = server.url): Promise<Page> {
  const res = await fetch(`${base}${pathAndQuery}`)
  const xml = await res.text()
  return {
    status: res.status,
    xml,
    keys: all(xml, /<Contents><Key>([^<]*)<\/Key>/g),
    prefixes: all(xml, /<CommonPrefixes><Prefix>([^<]*)<\/Prefix><\/CommonPrefixes>/g),
    truncated: one(xml, 'IsTruncated') === 'true',
    next: one(xml, 'NextContinuationToken'),
    keyCount: Number(one(xml, 'KeyCount')),
  }
}

/** Walks a listing page by page; returns every key and common prefix in order, and the pages. */
async function walk(bucketPath: string, params: Record<string, string>) {
  const keys: string[] = []
  const prefixes: string[] = []
  const pages: Page[] = []
  let token: string | null = null
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams({ 'list-type': '2', ...params })
    if (token) q.set('continuation-token', token)
    const page = await list(`/s3/${bucketPath}?${q}`)
    expect(page.status).toBe(200)
    pages.push(page)
    keys.push(...page.keys)
    prefixes.push(...page.prefixes)
    if (!page.truncated) {
      expect(page.next).toBeNull()
      return { keys, prefixes, pages }
    }
    expect(page.next).not.toBeNull()
    token = page.next
  }
  throw new Error('listing never ended')
}

function allKeys(): string[] {
  return [...server.manifest.files.map((f) => f.key), 'catalog.json', 'manifest.json'].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

describe('ListObjectsV2', () => {
  it('answers S3 XML with the documented elements', async () => {
    const page = await list('/s3/synthetic?list-type=2&prefix=clay-v0-global/v02/03WVN/')
    expect(page.status).toBe(200)
    expect(page.xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/)
    expect(one(page.xml, 'Name')).toBe('synthetic')
    expect(one(page.xml, 'Prefix')).toBe('clay-v0-global/v02/03WVN/')
    expect(one(page.xml, 'MaxKeys')).toBe('1000')
    expect(page.keys).toEqual(['clay-v0-global/v02/03WVN/03WVN_20220714_20220714_v001.gpq'])
    expect(page.keyCount).toBe(1)
    const file = server.manifest.files.find((f) => f.key === page.keys[0])!
    expect(one(page.xml, 'Size')).toBe(String(file.size))
    expect(one(page.xml, 'StorageClass')).toBe('STANDARD')
    expect(one(page.xml, 'LastModified')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/)
    // The listing's ETag is the object's.
    const head = await fetch(`${server.url}/s3/synthetic/${page.keys[0]}`, { method: 'HEAD' })
    expect(one(page.xml, 'ETag')).toBe(head.headers.get('etag'))
  })

  it('walks every key exactly once with max-keys=5', async () => {
    const { keys, pages } = await walk('synthetic', { 'max-keys': '5' })
    expect(keys).toEqual(allKeys())
    expect(pages.length).toBe(Math.ceil(allKeys().length / 5))
    for (const p of pages) {
      expect(p.keyCount).toBe(p.keys.length)
      expect(p.keys.length).toBeLessThanOrEqual(5)
      expect(one(p.xml, 'MaxKeys')).toBe('5')
    }
  })

  it('gives CommonPrefixes with a delimiter, counted with the keys in max-keys', async () => {
    const root = await list('/s3/synthetic?list-type=2&delimiter=/')
    expect(root.keys).toEqual(['catalog.json', 'manifest.json'])
    expect(root.prefixes).toEqual(['clay-v0-global/', 'clay-v1-5-s2/', 'earth-index/', 'lgnd/', 'planet/'])
    expect(one(root.xml, 'Delimiter')).toBe('/')
    expect(root.keyCount).toBe(7)

    const paged = await walk('synthetic', { delimiter: '/', 'max-keys': '2' })
    expect(paged.keys).toEqual(root.keys)
    expect(paged.prefixes).toEqual(root.prefixes)
    expect(paged.pages).toHaveLength(4)

    const tiles = await walk('synthetic', { prefix: 'clay-v0-global/v02/', delimiter: '/', 'max-keys': '5' })
    expect(tiles.keys).toEqual([])
    expect(tiles.prefixes).toHaveLength(24)
    expect(tiles.prefixes[0]).toBe('clay-v0-global/v02/03WVM/')
  })

  it('lists relative to a folder after the bucket, as data.source.coop lists a product', async () => {
    const page = await list('/s3/synthetic/clay-v0-global?list-type=2&prefix=v02/31UFT/')
    expect(one(page.xml, 'Name')).toBe('synthetic/clay-v0-global')
    expect(page.keys).toEqual(['v02/31UFT/31UFT_20220618_20220618_v001.gpq', 'v02/31UFT/31UFT_20220903_20220903_v001.gpq'])
    const slash = await list('/s3/synthetic/lgnd/?list-type=2')
    expect(slash.keys).toHaveLength(4)
    expect(slash.keys[0]).toMatch(/^gzd=/)
  })

  it('honours start-after and encoding-type=url', async () => {
    const after = await list('/s3/synthetic?list-type=2&start-after=planet/2023/L15-1047E-1340N.parquet')
    expect(after.keys).toEqual(['planet/2023/L15-1048E-1340N.parquet'])
    expect(one(after.xml, 'StartAfter')).toBe('planet/2023/L15-1047E-1340N.parquet')
    const encoded = await list('/s3/synthetic?list-type=2&prefix=lgnd/gzd%3D31U/&encoding-type=url')
    expect(encoded.keys).toEqual(['lgnd/gzd%3D31U/year%3D2024/month%3D06/part-0.parquet'])
    expect(one(encoded.xml, 'EncodingType')).toBe('url')
  })

  it('refuses a bad max-keys, a bad token, and anything but list-type=2', async () => {
    for (const q of ['list-type=2&max-keys=-1', 'list-type=2&max-keys=abc', 'list-type=2&continuation-token=bm9wZQ==', 'list-type=1']) {
      const page = await list(`/s3/synthetic?${q}`)
      expect(page.status, q).toBe(400)
      expect(one(page.xml, 'Code')).toBe('InvalidArgument')
    }
  })

  it('lists the real sample bucket', async () => {
    const page = await list('/s3/clay-v0-sample?list-type=2')
    expect(page.keys).toContain(CLAY_SAMPLE)
  })
})

describe('objects', () => {
  const key = 'clay-v0-global/v02/03WVN/03WVN_20220714_20220714_v001.gpq'
  const file = () => readFileSync(path.join(server.setsDir, key))

  it('serves whole objects, single ranges, suffix ranges and 416', async () => {
    const whole = await fetch(`${server.url}/s3/synthetic/${key}`)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    expect(whole.headers.get('last-modified')).toBe(statSync(path.join(server.setsDir, key)).mtime.toUTCString())
    expect(Buffer.from(await whole.arrayBuffer()).equals(file())).toBe(true)

    const range = await fetch(`${server.url}/s3/synthetic/${key}`, { headers: { Range: 'bytes=100-199' } })
    expect(range.status).toBe(206)
    expect(range.headers.get('content-range')).toBe(`bytes 100-199/${file().length}`)
    expect(Buffer.from(await range.arrayBuffer()).equals(file().subarray(100, 200))).toBe(true)

    const suffix = await fetch(`${server.url}/s3/synthetic/${key}`, { headers: { Range: 'bytes=-8' } })
    expect(suffix.status).toBe(206)
    expect(Buffer.from(await suffix.arrayBuffer()).toString('latin1').slice(-4)).toBe('PAR1')

    const beyond = await fetch(`${server.url}/s3/synthetic/${key}`, { headers: { Range: `bytes=${file().length}-` } })
    expect(beyond.status).toBe(416)
    await beyond.arrayBuffer()

    const head = await fetch(`${server.url}/s3/synthetic/${key}`, { method: 'HEAD' })
    expect(head.headers.get('content-length')).toBe(String(file().length))

    const sample = await fetch(`${server.url}/s3/clay-v0-sample/${CLAY_SAMPLE}`, { headers: { Range: 'bytes=-4' } })
    expect(await sample.text()).toBe('PAR1')
  })

  it('serves keys with encoded characters, and JSON as JSON', async () => {
    const lgnd = server.manifest.files.find((f) => f.set === 'lgnd')!
    const res = await fetch(`${server.url}/s3/synthetic/${lgnd.key.split('/').map(encodeURIComponent).join('/')}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(lgnd.size))
    const catalog = await fetch(`${server.url}/s3/synthetic/catalog.json`)
    expect(catalog.headers.get('content-type')).toBe('application/json')
    expect((await catalog.json()).datasets).toHaveLength(5)
  })

  it('answers S3 errors: NoSuchKey, NoSuchBucket, and nothing outside the bucket', async () => {
    for (const [url, status, code] of [
      ['/s3/synthetic/nope.parquet', 404, 'NoSuchKey'],
      ['/s3/synthetic/clay-v0-global', 404, 'NoSuchKey'],
      ['/s3/nobucket/x', 404, 'NoSuchBucket'],
      ['/s3/synthetic/..%2F..%2Fpackage.json', 404, 'NoSuchKey'],
      ['/s3/synthetic/.staging/x', 404, 'NoSuchKey'],
      ['/s3/synthetic', 400, 'InvalidArgument'],
    ] as const) {
      const res = await fetch(`${server.url}${url}`)
      expect(res.status, url).toBe(status)
      expect(one(await res.text(), 'Code'), url).toBe(code)
    }
  })
})

describe('CORS', () => {
  const urls = () => [
    '/s3/synthetic?list-type=2&max-keys=1',
    '/s3/synthetic/catalog.json',
    '/s3/synthetic/missing',
    '/s3-fault/403/synthetic/catalog.json',
    '/s3-fault/list-403/synthetic?list-type=2',
  ]

  it('has CORS headers on every answer of the CORS port', async () => {
    for (const u of urls()) {
      const res = await fetch(`${server.url}${u}`)
      await res.arrayBuffer()
      expect(res.headers.get('access-control-allow-origin'), u).toBe('*')
      expect(res.headers.get('access-control-expose-headers'), u).toContain('Content-Range')
    }
  })

  it('has none on the twin port, which answers the same routes', async () => {
    for (const u of urls()) {
      const res = await fetch(`${server.noCorsUrl}${u}`)
      await res.arrayBuffer()
      for (const h of res.headers.keys()) expect(h.startsWith('access-control-'), `${u} ${h}`).toBe(false)
    }
    const res = await fetch(`${server.noCorsUrl}/s3/synthetic/catalog.json`)
    expect(res.status).toBe(200)
    await res.arrayBuffer()
  })
})

describe('faults', () => {
  const key = 'clay-v0-global/v02/37MBU/37MBU_20220208_20220301_v001.gpq'
  const fault = (spec: string, k = key) => `${server.url}/s3-fault/${encodeURIComponent(spec)}/synthetic/${k}`

  it('parses specs and refuses unknown ones', async () => {
    expect(parseFaultSpec('500x2,slow-100,tag-a')).toMatchObject({ status: 500, failFirst: 2, slowMs: 100 })
    expect(parseFaultSpec('slow-99999')).toMatchObject({ slowMs: 5000 })
    expect(parseFaultSpec('list-403,200-for-range,truncate')).toMatchObject({ listStatus: 403, ignoreRange: true, truncate: true })
    expect(parseFaultSpec('bogus')).toMatch(/unknown fault/)
    const res = await fetch(fault('bogus'))
    expect(res.status).toBe(400)
    expect(one(await res.text(), 'Code')).toBe('InvalidArgument')
  })

  it('403 and 500 answer every request, listings and HEAD included', async () => {
    for (const [spec, code] of [
      ['403', 'AccessDenied'],
      ['500', 'InternalError'],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(fault(spec))
        expect(res.status).toBe(Number(spec))
        expect(one(await res.text(), 'Code')).toBe(code)
      }
      expect((await fetch(fault(spec), { method: 'HEAD' })).status).toBe(Number(spec))
      const listing = await fetch(`${server.url}/s3-fault/${spec}/synthetic?list-type=2`)
      expect(listing.status).toBe(Number(spec))
      await listing.arrayBuffer()
    }
  })

  it('500x2 fails the first two requests per key, then serves; counters are per spec and key, and reset', async () => {
    const statuses = async (url: string, n: number) => {
      const out: number[] = []
      for (let i = 0; i < n; i++) {
        const res = await fetch(url, { headers: { Range: 'bytes=0-3' } })
        out.push(res.status)
        await res.arrayBuffer()
      }
      return out
    }
    expect(await statuses(fault('500x2'), 4)).toEqual([500, 500, 206, 206])
    // Another key, or the same key under another tag, starts from zero.
    expect(await statuses(fault('500x2', 'catalog.json'), 3)).toEqual([500, 500, 206])
    expect(await statuses(fault('500x2,tag-other'), 3)).toEqual([500, 500, 206])
    const counts = await (await fetch(`${server.url}/__counts`)).json()
    expect(counts.faults[`500x2 synthetic/${key}`]).toBe(4)
    expect(counts.requests[`GET /s3-fault/500x2/synthetic/${key}`]).toBe(4)
    // Resetting one spec leaves the others.
    expect((await fetch(`${server.url}/__reset?spec=500x2`, { method: 'POST' })).status).toBe(204)
    expect(await statuses(fault('500x2'), 1)).toEqual([500])
    expect(await statuses(fault('500x2,tag-other'), 1)).toEqual([206])
    await fetch(`${server.url}/__reset`, { method: 'POST' })
    expect(await statuses(fault('500x2,tag-other'), 1)).toEqual([500])
    // Listings count per query string: each distinct listing URL fails n times.
    const listUrl = `${server.url}/s3-fault/503x1/synthetic?list-type=2&max-keys=1`
    expect(await statuses(listUrl, 2)).toEqual([503, 200])
  })

  it('slow-<ms> answers after the delay; a client that gives up frees it', async () => {
    const started = performance.now()
    const res = await fetch(fault('slow-300'), { headers: { Range: 'bytes=0-3' } })
    expect(await res.text()).toBe('PAR1')
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    const abort = new AbortController()
    const pending = fetch(fault('slow-5000'), { signal: abort.signal })
    setTimeout(() => abort.abort(), 50)
    await expect(pending).rejects.toThrow()
  })

  it('truncate cuts the body short of its Content-Length', async () => {
    const res = await fetch(fault('truncate'), { headers: { Range: 'bytes=0-99999' } })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-length')).toBe('100000')
    await expect(res.arrayBuffer()).rejects.toThrow()
    // HEAD answers normally.
    expect((await fetch(fault('truncate'), { method: 'HEAD' })).status).toBe(200)
  })

  it('list-403 refuses listings and serves objects', async () => {
    const listing = await fetch(`${server.url}/s3-fault/list-403/synthetic?list-type=2`)
    expect(listing.status).toBe(403)
    expect(one(await listing.text(), 'Code')).toBe('AccessDenied')
    const object = await fetch(fault('list-403'), { headers: { Range: 'bytes=0-3' } })
    expect(object.status).toBe(206)
    expect(await object.text()).toBe('PAR1')
  })

  it('200-for-range ignores Range and sends the whole body', async () => {
    const res = await fetch(fault('200-for-range'), { headers: { Range: 'bytes=0-3' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-range')).toBeNull()
    const size = server.manifest.files.find((f) => f.key === key)!.size
    expect((await res.arrayBuffer()).byteLength).toBe(size)
  })
})

describe('the routes that were there before', () => {
  it('still serve fixtures, the real sample, statuses and health', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    const fixture = await fetch(`${server.url}/files/small-valid.parquet`, { headers: { Range: 'bytes=0-3' } })
    expect(await fixture.text()).toBe('PAR1')
    const sample = await fetch(`${server.url}/clay-v0/${CLAY_SAMPLE}`, { method: 'HEAD' })
    expect(sample.headers.get('content-length')).toBe('1831543')
    const status = await fetch(`${server.url}/status/503/x`)
    expect(status.status).toBe(503)
    await status.arrayBuffer()
    expect((await fetch(`${server.url}/slow/status/418/x?ms=10`)).status).toBe(418)
    expect((await fetch(`${server.url}/nothing-here`)).status).toBe(404)
    expect((await fetch(`${server.url}/health`, { method: 'POST' })).status).toBe(405)
  })
})
