// Listing against a local server that answers like S3 (ListObjectsV2 XML as AWS and
// data.source.coop write it, paginated with continuation tokens), and like the servers a person
// may paste by mistake (403, HTML, a paging loop).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DatasetError } from '../errors.ts'
import { decodeXmlEntities, isSafeKey, listObjects, parseS3Url, parseXml, type ListPage } from './s3-list.ts'
import { datasetErrorOf, startTestServer, type TestServer } from '../testing/http.ts'

const PREFIX = 'clay/v0/'
/** 7 keys over 3 pages (3, 3, 1), then an invalid one and one outside the prefix on page 3. */
const KEYS = [
  'clay/v0/01WCN_20190518_20231021_v001.gpq',
  'clay/v0/03WVN_20220610_20220610_v001.gpq',
  'clay/v0/10SEG_20200101_20200301_v001.gpq',
  'clay/v0/R&D notes.txt',
  'clay/v0/sub/a b.gpq',
  'clay/v0/sub/ü.gpq',
  'clay/v0/zz.gpq',
]
const TOKENS = ['', '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=', 'tok+2 &more']

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

function contents(key: string, size: number): string {
  return (
    `<Contents><Key>${xmlEscape(key)}</Key><LastModified>2024-02-14T17:04:11.000Z</LastModified>` +
    `<ETag>&quot;9f2c1e3a7b&quot;</ETag><Size>${size}</Size><StorageClass>STANDARD</StorageClass></Contents>`
  )
}

function listing(opts: { prefix: string; keys: string[]; next?: string; delimiter?: string; commonPrefixes?: string[]; extra?: string }): string {
  const truncated = opts.next !== undefined
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>bucket</Name><Prefix>${xmlEscape(opts.prefix)}</Prefix><KeyCount>${opts.keys.length}</KeyCount><MaxKeys>3</MaxKeys>` +
    (opts.delimiter ? `<Delimiter>${xmlEscape(opts.delimiter)}</Delimiter>` : '') +
    `<IsTruncated>${truncated}</IsTruncated>` +
    (truncated ? `<NextContinuationToken>${xmlEscape(opts.next as string)}</NextContinuationToken>` : '') +
    opts.keys.map((k, i) => contents(k, 1000 + i)).join('') +
    (opts.commonPrefixes ?? []).map((p) => `<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`).join('') +
    (opts.extra ?? '') +
    '</ListBucketResult>'
  )
}

let server: TestServer
let base: string
const seen: URLSearchParams[] = []

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const q = url.searchParams
    seen.push(q)
    res.setHeader('Access-Control-Allow-Origin', '*')
    const send = (status: number, body: string, type = 'application/xml') => {
      res.writeHead(status, { 'Content-Type': type })
      res.end(body)
    }
    switch (url.pathname) {
      case '/bucket': {
        if (q.get('list-type') !== '2') return send(400, '<Error><Code>InvalidArgument</Code></Error>')
        const prefix = q.get('prefix') ?? ''
        if (q.get('delimiter') === '/') {
          return send(200, listing({ prefix, delimiter: '/', keys: KEYS.filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/')), commonPrefixes: ['clay/v0/sub/'] }))
        }
        const page = TOKENS.indexOf(q.get('continuation-token') ?? '')
        if (page === -1) return send(400, '<Error><Code>InvalidArgument</Code><Message>bad token</Message></Error>')
        const keys = KEYS.slice(page * 3, page * 3 + 3).filter((k) => k.startsWith(prefix))
        const extra = page === 2 ? contents('clay/v0/../../etc/passwd', 1) + contents('other/x.gpq', 2) + contents('clay/v0/bad-size.gpq', -1) : ''
        return send(200, listing({ prefix, keys, next: TOKENS[page + 1], extra }))
      }
      case '/private':
        return send(403, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>X</RequestId></Error>')
      case '/web-page':
        return send(200, '<!DOCTYPE html><html><head><title>Bucket</title></head><body>Hello</body></html>', 'text/html')
      case '/json':
        return send(200, '{"files": []}', 'application/json')
      case '/loop':
        return send(200, listing({ prefix: '', keys: ['a.gpq'], next: 'same' }))
      case '/v1': {
        // A server that ignores list-type=2: ListObjects v1, no token, NextMarker on truncated pages.
        const marker = q.get('marker')
        if (!marker) return send(200, listing({ prefix: '', keys: ['a.gpq', 'b.gpq'], extra: '<NextMarker>b.gpq</NextMarker>' }).replace('<IsTruncated>false', '<IsTruncated>true'))
        return send(200, listing({ prefix: '', keys: ['c.gpq'] }))
      }
      case '/start-after': {
        // Truncated, but says nothing of where to go on: the client continues after the last key.
        const after = q.get('start-after')
        if (!after) return send(200, listing({ prefix: '', keys: ['a.gpq', 'b.gpq'] }).replace('<IsTruncated>false', '<IsTruncated>true'))
        return send(200, listing({ prefix: '', keys: [after === 'b.gpq' ? 'c.gpq' : 'wrong.gpq'] }))
      }
      case '/huge': {
        res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': String(40 * 1024 * 1024) })
        res.end()
        return
      }
      default:
        return send(404, '<Error><Code>NoSuchBucket</Code></Error>')
    }
  })
  base = server.base
})

afterAll(async () => {
  await server.close()
})

beforeEach(() => {
  seen.length = 0
})

describe('listObjects', () => {
  it('follows continuation tokens over 3 pages and keeps only safe keys under the prefix', async () => {
    const pages: ListPage[] = []
    const r = await listObjects(`${base}/bucket`, { prefix: PREFIX, onPage: (p) => pages.push(p) })
    expect(r.pages).toBe(3)
    expect(r.truncated).toBe(false)
    expect(r.objects.map((o) => o.key)).toEqual(KEYS)
    // '..' segments, a key outside the prefix and a negative size are left out.
    expect(r.rejected).toBe(3)
    expect(r.objects[0]).toEqual({ key: KEYS[0], size: 1000, etag: '9f2c1e3a7b', lastModified: '2024-02-14T17:04:11.000Z' })
    expect(pages.map((p) => p.objects.length)).toEqual([3, 3, 1])
    // The server got each token back exactly as it sent it (entities decoded, then URL-encoded).
    expect(seen.map((q) => q.get('continuation-token'))).toEqual([null, TOKENS[1], TOKENS[2]])
    expect(seen.every((q) => q.get('prefix') === PREFIX && q.get('list-type') === '2')).toBe(true)
  })

  it('rolls keys up into common prefixes with a delimiter', async () => {
    const r = await listObjects(`${base}/bucket/`, { prefix: PREFIX, delimiter: '/' })
    expect(r.prefixes).toEqual(['clay/v0/sub/'])
    expect(r.objects.map((o) => o.key)).toEqual(KEYS.filter((k) => !k.includes('/sub/')))
    expect(seen[0]?.get('delimiter')).toBe('/')
  })

  it('stops at maxPages and says the listing is incomplete', async () => {
    const r = await listObjects(`${base}/bucket`, { prefix: PREFIX, maxPages: 2 })
    expect(r).toMatchObject({ pages: 2, truncated: true })
    expect(r.objects).toHaveLength(6)
  })

  it('pages through a v1-style server by NextMarker, or after the last key', async () => {
    expect((await listObjects(`${base}/v1`)).objects.map((o) => o.key)).toEqual(['a.gpq', 'b.gpq', 'c.gpq'])
    expect(seen[1]?.get('marker')).toBe('b.gpq')
    expect((await listObjects(`${base}/start-after`)).objects.map((o) => o.key)).toEqual(['a.gpq', 'b.gpq', 'c.gpq'])
  })

  it('403: says the bucket does not allow listing', async () => {
    const err = await datasetErrorOf(listObjects(`${base}/private`, { prefix: 'x/' }))
    expect(err).toMatchObject({ code: 'http', status: 403 })
    expect(err.message).toMatch(/^The bucket doesn't allow listing .*private\/x\/ \(403 AccessDenied\)\. Its files may still be readable one by one/)
  })

  it('404 names the missing bucket', async () => {
    const err = await datasetErrorOf(listObjects(`${base}/nope`))
    expect(err).toMatchObject({ code: 'http', status: 404 })
    expect(err.message).toMatch(/no bucket or folder at .* \(404 NoSuchBucket\)/)
  })

  it('a web page or JSON is not a listing', async () => {
    expect(await datasetErrorOf(listObjects(`${base}/web-page`))).toMatchObject({ code: 'bad-listing', message: expect.stringContaining('a web page (HTML)') })
    expect(await datasetErrorOf(listObjects(`${base}/json`))).toMatchObject({ code: 'bad-listing', message: expect.stringContaining('JSON') })
  })

  it('a server that pages in circles is stopped', async () => {
    const err = await datasetErrorOf(listObjects(`${base}/loop`))
    expect(err.code).toBe('bad-listing')
    expect(err.message).toMatch(/keeps returning the same page; it was stopped after 2 pages/)
  })

  it('refuses a page larger than 16 MB without reading it', async () => {
    expect((await datasetErrorOf(listObjects(`${base}/huge`))).code).toBe('bad-listing')
  })

  it('no server: a network error that mentions CORS; a cancelled listing makes no request', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const err = await datasetErrorOf(listObjects(`http://127.0.0.1:${port}/bucket`))
    expect(err.code).toBe('network')
    expect(err.message).toMatch(/CORS/)
    const ctrl = new AbortController()
    ctrl.abort()
    expect((await datasetErrorOf(listObjects(`${base}/bucket`, { signal: ctrl.signal }))).code).toBe('aborted')
    expect(seen).toHaveLength(0)
  })

  it('goes through the fetch it is given', async () => {
    const urls: string[] = []
    const r = await listObjects('https://example.invalid/b', {
      prefix: 'a b/',
      fetch: async (input) => {
        urls.push(String(input))
        return new Response(listing({ prefix: 'a b/', keys: ['a b/c.gpq'] }), { status: 200 })
      },
    })
    expect(r.objects).toEqual([{ key: 'a b/c.gpq', size: 1000, etag: '9f2c1e3a7b', lastModified: '2024-02-14T17:04:11.000Z' }])
    expect(urls).toEqual(['https://example.invalid/b?list-type=2&prefix=a%20b%2F'])
  })

  it('decodes url-encoded keys when the server says EncodingType url', async () => {
    const body = listing({ prefix: '', keys: ['a%20b/%C3%BC.gpq'], extra: '<EncodingType>url</EncodingType>' })
    const r = await listObjects('https://example.invalid/b', { fetch: async () => new Response(body) })
    expect(r.objects[0]?.key).toBe('a b/ü.gpq')
  })
})

describe('the XML reader', () => {
  it('decodes entities and character references, and leaves unknown ones alone', () => {
    expect(decodeXmlEntities('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42; &#0; &#xD800; &nbsp;')).toBe(`a & b <c> "d" 'e' AB \uFFFD \uFFFD &nbsp;`)
  })

  it('reads CDATA, skips comments, declarations and DOCTYPEs (their entities are never expanded)', () => {
    const doc = parseXml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><!-- c --><s3:R xmlns:s3="u"><K><![CDATA[a<b&c]]></K><K>&e;</K></s3:R>')
    expect(doc?.name).toBe('R')
    expect(doc?.children.map((c) => c.text)).toEqual(['a<b&c', '&e;'])
  })

  it('is bounded: too deep or too many elements is no document', () => {
    expect(parseXml('<a>'.repeat(40))).toBeNull()
    expect(parseXml('<r>' + '<k/>'.repeat(200_001) + '</r>')).toBeNull()
    expect(parseXml('no xml here')).toBeNull()
  })

  it('tolerates stray closing tags and unclosed elements', () => {
    const doc = parseXml('<r><a>1</b></a><c>2')
    expect(doc?.children.map((c) => [c.name, c.text])).toEqual([
      ['a', '1'],
      ['c', '2'],
    ])
  })
})

describe('isSafeKey', () => {
  it('refuses keys that would leave the bucket or break a URL', () => {
    expect(isSafeKey('a/b c/ü.gpq')).toBe(true)
    for (const bad of ['', '../x', 'a/./b', 'a/..', 'a\u0000b', 'a\nb', 'x'.repeat(1025), 'é'.repeat(513)]) {
      expect(isSafeKey(bad), JSON.stringify(bad.slice(0, 20))).toBe(false)
    }
  })
})

describe('parseS3Url', () => {
  it('reads data.source.coop links: account/product is the bucket', () => {
    const s = parseS3Url('https://data.source.coop/clay/clay-model-v0-embeddings/v02/')
    expect(s).toMatchObject({ listUrl: 'https://data.source.coop/clay/clay-model-v0-embeddings', prefix: 'v02/', bucket: 'clay/clay-model-v0-embeddings', style: 'source-coop' })
    expect(s.objectUrl('v02/03WVN_20220610_20220610_v001.gpq')).toBe('https://data.source.coop/clay/clay-model-v0-embeddings/v02/03WVN_20220610_20220610_v001.gpq')
    expect(parseS3Url('https://data.source.coop/clay/clay-v1-5-naip-2').prefix).toBe('')
    expect(() => parseS3Url('https://data.source.coop/clay/')).toThrow(/account and the product/)
  })

  it('reads source.coop page links too', () => {
    expect(parseS3Url('https://source.coop/repositories/clay/clay-model-v0-embeddings/browse/v02/')).toMatchObject({
      listUrl: 'https://data.source.coop/clay/clay-model-v0-embeddings',
      prefix: 'v02/',
    })
    expect(parseS3Url('https://beta.source.coop/repositories/clay/clay-model-v0-embeddings/description/').prefix).toBe('')
    expect(parseS3Url('https://source.coop/clay/lgnd-embeddings/gzd=37M/').prefix).toBe('gzd=37M/')
  })

  it('maps Source Cooperative’s own s3:// bucket, and refuses other s3:// links with what to do', () => {
    expect(parseS3Url('s3://us-west-2.opendata.source.coop/clay/clay-v1-5-naip-2/ca/2022/')).toMatchObject({
      listUrl: 'https://data.source.coop/clay/clay-v1-5-naip-2',
      prefix: 'ca/2022/',
    })
    let err: unknown
    try {
      parseS3Url('s3://clay-tiles-02/02/03WVN/')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DatasetError)
    expect(err).toMatchObject({ code: 'unsupported-url' })
    expect((err as Error).message).toMatch(/s3:\/\/ link, which a browser can't open.*https:\/\/clay-tiles-02\.s3\.amazonaws\.com\/02\/03WVN\//)
  })

  it('reads virtual-hosted and path-style AWS links, and any host path-style', () => {
    expect(parseS3Url('https://my-bucket.s3.us-west-2.amazonaws.com/emb/v1/')).toMatchObject({
      listUrl: 'https://my-bucket.s3.us-west-2.amazonaws.com',
      prefix: 'emb/v1/',
      bucket: 'my-bucket',
      style: 'virtual-host',
    })
    expect(parseS3Url('https://my.dotted.bucket.s3.amazonaws.com/x').bucket).toBe('my.dotted.bucket')
    expect(parseS3Url('https://s3.eu-central-1.amazonaws.com/my-bucket/a/b%20c/')).toMatchObject({
      listUrl: 'https://s3.eu-central-1.amazonaws.com/my-bucket',
      prefix: 'a/b c/',
      style: 'path-style',
    })
    const minio = parseS3Url('http://127.0.0.1:9000/embeddings/set-a/')
    expect(minio).toMatchObject({ listUrl: 'http://127.0.0.1:9000/embeddings', prefix: 'set-a/' })
    expect(minio.objectUrl('set-a/x y#1.gpq')).toBe('http://127.0.0.1:9000/embeddings/set-a/x%20y%231.gpq')
    expect(parseS3Url('http://127.0.0.1:4180/s3/synthetic/v0/', { bucketSegments: 2 })).toMatchObject({
      listUrl: 'http://127.0.0.1:4180/s3/synthetic',
      prefix: 'v0/',
    })
  })

  it('refuses what cannot be listed', () => {
    for (const [input, message] of [
      ['', /Paste the address/],
      ['not a url', /isn't a web address/],
      ['ftp://host/bucket/', /ftp: links can't be listed/],
      ['https://user:pw@host/bucket/', /user name or password/],
      ['https://host/', /names no bucket/],
      ['https://host/b/%E0%A4%A/', /broken percent-encoding/],
    ] as const) {
      expect(() => parseS3Url(input), input).toThrow(message)
    }
    expect(() => parseS3Url('https://h/b/').objectUrl('../../x')).toThrow(DatasetError)
  })

  it('lists through the parsed location end to end', async () => {
    const s = parseS3Url(`${base}/bucket/clay/v0/`)
    const r = await listObjects(s.listUrl, { prefix: s.prefix })
    expect(r.objects.map((o) => s.objectUrl(o.key))[3]).toBe(`${base}/bucket/clay/v0/R%26D%20notes.txt`)
  })
})
