import { describe, expect, it } from 'vitest'
import { MAX_ALLOWED_ORIGINS, parseOrigin, parseOriginList, readEmbedConfig, withEmbedParams, withoutEmbedParams } from './origins.ts'
import { answerTo, buildMessage, EMBED_LIMITS, parseCommand } from './protocol.ts'
import { componentSnippet, escapeAttribute, iframeSnippet, parseDimension } from './snippet.ts'

const cmd = (fields: Record<string, unknown>) => ({ source: 'chipfinder', version: 1, ...fields })

describe('origins', () => {
  it('accepts https origins and loopback http, in canonical form', () => {
    expect(parseOrigin('https://example.org')).toEqual({ origin: 'https://example.org' })
    expect(parseOrigin(' https://News.Example.org:8443/ ')).toEqual({ origin: 'https://news.example.org:8443' })
    expect(parseOrigin('https://example.org:443')).toEqual({ origin: 'https://example.org' })
    expect(parseOrigin('http://localhost:5173')).toEqual({ origin: 'http://localhost:5173' })
    expect(parseOrigin('http://127.0.0.1:4380')).toEqual({ origin: 'http://127.0.0.1:4380' })
    expect(parseOrigin('http://[::1]:8000')).toEqual({ origin: 'http://[::1]:8000' })
    expect(parseOrigin('http://site.localhost')).toEqual({ origin: 'http://site.localhost' })
  })

  it('refuses anything that is not exactly an origin', () => {
    for (const bad of [
      '',
      '*',
      'null',
      'example.org',
      'http://example.org',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ftp://example.org',
      'https://example.org/path',
      'https://example.org?x=1',
      'https://example.org#top',
      'https://user:pw@example.org',
      'https://*.example.org',
      `https://${'a'.repeat(400)}.org`,
    ]) {
      expect(parseOrigin(bad), bad).toHaveProperty('error')
    }
  })

  it('reads a list, drops duplicates and bad entries with a reason, and caps its length', () => {
    const { origins, problems } = parseOriginList('https://a.org, https://a.org/\nhttp://evil.org https://b.org:8080')
    expect(origins).toEqual(['https://a.org', 'https://b.org:8080'])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/https/)
    const many = Array.from({ length: 20 }, (_, i) => `https://s${i}.org`).join(',')
    const capped = parseOriginList(many)
    expect(capped.origins).toHaveLength(MAX_ALLOWED_ORIGINS)
    expect(capped.problems.join(' ')).toMatch(/At most/)
  })

  it('turns embed mode on only with embed=1 and reads allow only then', () => {
    expect(readEmbedConfig('?allow=https://a.org')).toEqual({ embed: false, allowed: [], problems: [] })
    expect(readEmbedConfig('?embed=0&allow=https://a.org').embed).toBe(false)
    expect(readEmbedConfig('?positive=x&embed=1')).toEqual({ embed: true, allowed: [], problems: [] })
    const config = readEmbedConfig(`?embed=1&allow=${encodeURIComponent('https://a.org,https://b.org')}&allow=http://localhost:3000`)
    expect(config.allowed).toEqual(['https://a.org', 'https://b.org', 'http://localhost:3000'])
    expect(readEmbedConfig('?embed=1&allow=javascript:alert(1)').allowed).toEqual([])
  })

  it('adds and removes the embed parameters, leaving the search as written', () => {
    const search = '?v=3&positive=03WVN_20220610_0(200,042)&threshold=0.5'
    const embedded = withEmbedParams(search, ['https://a.org'])
    expect(embedded).toBe(`${search}&embed=1&allow=https%3A%2F%2Fa.org`)
    expect(withoutEmbedParams(embedded)).toBe(search)
    expect(withEmbedParams('', [])).toBe('?embed=1')
    expect(withoutEmbedParams('?embed=1&allow=x')).toBe('')
    expect(withEmbedParams('?embed=1&allow=https%3A%2F%2Fold.org&v=1', [])).toBe('?v=1&embed=1')
  })
})

describe('commands', () => {
  it('reads each command', () => {
    expect(parseCommand(cmd({ type: 'setDataset', id: 'a', url: 'https://data.example/x.parquet' }))).toEqual({
      ok: true,
      id: 'a',
      command: { type: 'setDataset', url: 'https://data.example/x.parquet' },
    })
    expect(parseCommand(cmd({ type: 'setDataset', url: null }))).toMatchObject({ ok: true, id: null, command: { url: null } })
    expect(parseCommand(cmd({ type: 'setExamples', id: 7, positives: ['a', 'b', 'a'] }))).toEqual({
      ok: true,
      id: 7,
      command: { type: 'setExamples', positives: ['a', 'b'], negatives: [] },
    })
    expect(parseCommand(cmd({ type: 'setThreshold', value: -0.25 }))).toMatchObject({ ok: true, command: { value: -0.25 } })
    expect(parseCommand(cmd({ type: 'setThreshold', value: null }))).toMatchObject({ ok: true, command: { value: null } })
    expect(parseCommand(cmd({ type: 'flyTo', lon: -165, lat: 65.5, zoom: 9 }))).toMatchObject({ ok: true, command: { lon: -165, lat: 65.5, zoom: 9 } })
    expect(parseCommand(cmd({ type: 'flyTo', lon: 1, lat: 2 }))).toMatchObject({ ok: true, command: { zoom: null } })
    expect(parseCommand(cmd({ type: 'flyTo', bbox: [-166, 65, -165, 66] }))).toMatchObject({ ok: true, command: { bbox: [-166, 65, -165, 66] } })
  })

  it('ignores what is not ours, and our own events echoed back, without an answer', () => {
    for (const data of [null, undefined, 42, 'setThreshold', [], ['chipfinder'], { type: 'setThreshold', value: 0 }, { source: 'other', version: 1, type: 'setThreshold' }]) {
      expect(parseCommand(data)).toBeNull()
    }
    for (const type of ['ready', 'results', 'selection', 'ack', 'error']) expect(parseCommand(cmd({ type }))).toBeNull()
  })

  it('answers hostile or malformed commands with an error that keeps the id', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ type: 'rm -rf', id: 'x' }, /Unknown command/],
      [{ type: 'toString', id: 'x' }, /Unknown command/],
      [{ type: 'setDataset', id: 'x', url: 'javascript:alert(1)' }, /http\(s\)/],
      [{ type: 'setDataset', id: 'x', url: 'data:application/octet-stream,AAAA' }, /http\(s\)/],
      [{ type: 'setDataset', id: 'x', url: `https://a.org/${'x'.repeat(3000)}` }, /http\(s\)/],
      [{ type: 'setDataset', id: 'x', url: { href: 'https://a.org' } }, /http\(s\)/],
      [{ type: 'setDataset', id: 'x' }, /http\(s\)/],
      [{ type: 'setExamples', id: 'x' }, /positives or negatives/],
      [{ type: 'setExamples', id: 'x', positives: 'a,b' }, /list/],
      [{ type: 'setExamples', id: 'x', positives: [1, 2] }, /chip ids/],
      [{ type: 'setExamples', id: 'x', positives: [''] }, /chip ids/],
      [{ type: 'setExamples', id: 'x', positives: ['y'.repeat(300)] }, /chip ids/],
      // An id a link couldn't carry (the link codec refuses control characters) isn't taken here either.
      [{ type: 'setExamples', id: 'x', positives: ['a\u0000b'] }, /control characters/],
      [{ type: 'setExamples', id: 'x', positives: new Array(EMBED_LIMITS.examples + 1).fill('a') }, /more than 500/],
      [{ type: 'setExamples', id: 'x', positives: ['a'], negatives: ['a'] }, /both/],
      [{ type: 'setThreshold', id: 'x', value: '0.5' }, /number/],
      [{ type: 'setThreshold', id: 'x', value: Number.NaN }, /number/],
      [{ type: 'setThreshold', id: 'x', value: 2 }, /between/],
      [{ type: 'setThreshold', id: 'x' }, /number/],
      [{ type: 'flyTo', id: 'x', lon: 200, lat: 0 }, /lon/],
      [{ type: 'flyTo', id: 'x', lon: 0, lat: 0, zoom: 99 }, /zoom/],
      [{ type: 'flyTo', id: 'x', bbox: [0, 0, 1] }, /bbox/],
      [{ type: 'flyTo', id: 'x', bbox: [10, 0, 1, 1] }, /west ≤ east/],
      [{ type: 'flyTo', id: 'x', bbox: 'world' }, /bbox/],
    ]
    for (const [fields, message] of cases) {
      const parsed = parseCommand(cmd(fields))
      expect(parsed, JSON.stringify(fields).slice(0, 80)).toMatchObject({ ok: false, id: 'x' })
      if (parsed && !parsed.ok) expect(parsed.error).toMatch(message)
    }
    expect(parseCommand({ source: 'chipfinder', version: 2, type: 'setThreshold', id: 'v', value: 0 })).toMatchObject({ ok: false, id: 'v', error: /version 1/ })
    expect(parseCommand(cmd({ type: 'setThreshold', id: { evil: true }, value: 0 }))).toMatchObject({ ok: false, id: null, error: /id/ })
    expect(parseCommand(cmd({ type: 'setThreshold', id: 'z'.repeat(65), value: 0 }))).toMatchObject({ ok: false, id: null })
  })

  it('reads only own properties: prototype keys neither count nor pollute', () => {
    const inherited = Object.create({ source: 'chipfinder', version: 1, type: 'setThreshold', value: 0.5 }) as Record<string, unknown>
    expect(parseCommand(inherited)).toBeNull()
    const viaProto = JSON.parse('{"source":"chipfinder","version":1,"type":"setExamples","id":"p","__proto__":{"positives":["a"]},"negatives":["b"]}')
    expect(parseCommand(viaProto)).toEqual({ ok: true, id: 'p', command: { type: 'setExamples', positives: [], negatives: ['b'] } })
    const withConstructor = JSON.parse('{"source":"chipfinder","version":1,"type":"constructor","id":"c"}')
    expect(parseCommand(withConstructor)).toMatchObject({ ok: false, error: /Unknown command/ })
    expect(({} as Record<string, unknown>).positives).toBeUndefined()
  })

  it('ignores unknown fields and copies what it keeps', () => {
    const positives = ['a']
    const parsed = parseCommand(cmd({ type: 'setExamples', positives, extra: { deep: 1 }, onload: 'alert(1)' }))
    expect(parsed).toEqual({ ok: true, id: null, command: { type: 'setExamples', positives: ['a'], negatives: [] } })
    if (parsed?.ok && parsed.command.type === 'setExamples') expect(parsed.command.positives).not.toBe(positives)
  })

  it('answers with the envelope, the id and the command', () => {
    const ok = parseCommand(cmd({ type: 'setThreshold', id: 'q', value: 0.1 }))!
    expect(answerTo(ok)).toEqual({ source: 'chipfinder', version: 1, type: 'ack', id: 'q', command: 'setThreshold' })
    expect(answerTo(ok, 'The map is not ready yet.')).toEqual({
      source: 'chipfinder',
      version: 1,
      type: 'error',
      id: 'q',
      command: 'setThreshold',
      message: 'The map is not ready yet.',
    })
    const bad = parseCommand(cmd({ type: 'nope', id: 3 }))!
    expect(answerTo(bad)).toMatchObject({ type: 'error', id: 3, command: null, message: expect.stringMatching(/Unknown/) })
    expect(buildMessage({ type: 'ready', dataset: null, commands: [] })).toEqual({ source: 'chipfinder', version: 1, type: 'ready', dataset: null, commands: [] })
  })
})

describe('snippets', () => {
  const options = { appUrl: 'https://app.example/', search: '?positive=a,b&embed=1', allowed: ['https://host.example'], width: '100%', height: '480' }

  it('escapes attribute values', () => {
    expect(escapeAttribute(`"><script>alert('x')</script>&`)).toBe('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;')
  })

  it('builds the iframe for the current search, with the allowed origins', () => {
    expect(iframeSnippet(options)).toBe(
      '<iframe src="https://app.example/?positive=a,b&amp;embed=1&amp;allow=https%3A%2F%2Fhost.example" width="100%" height="480"' +
        ' title="Chipfinder: places that look alike" loading="lazy" allow="clipboard-write"></iframe>',
    )
    expect(iframeSnippet({ ...options, allowed: [] })).toContain('src="https://app.example/?positive=a,b&amp;embed=1"')
  })

  it('keeps the rest of a long search, the #s& fragment, after the embed parameters', () => {
    const long = { ...options, hash: '#s&negative=c(1,2)' }
    expect(iframeSnippet(long)).toContain('src="https://app.example/?positive=a,b&amp;embed=1&amp;allow=https%3A%2F%2Fhost.example#s&amp;negative=c(1,2)"')
    expect(componentSnippet(long)).toContain('src="https://app.example/?positive=a,b#s&amp;negative=c(1,2)"')
  })

  it('never lets a hostile search break out of the attribute', () => {
    const html = iframeSnippet({ ...options, search: '?dataset="><script>alert(1)</script>' })
    expect(html).not.toMatch(/<script/)
    expect(html.match(/"/g)).toHaveLength(12)
  })

  it('builds the web component and its script tag', () => {
    expect(componentSnippet(options)).toBe(
      '<script type="module" src="https://app.example/chipfinder-embed.js"></script>\n' +
        '<chipfinder-search src="https://app.example/?positive=a,b" width="100%" height="480" allow-origin="https://host.example"></chipfinder-search>',
    )
  })

  it('reads sizes as pixels or percentages, within bounds', () => {
    expect(parseDimension('480')).toBe('480')
    expect(parseDimension('480px')).toBe('480')
    expect(parseDimension('100%')).toBe('100%')
    for (const bad of ['0', '50', '99999', '101%', '1e3', '480" onload="x', '-1', '']) expect(parseDimension(bad), bad).toBeNull()
  })
})
