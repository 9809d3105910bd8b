// The rules of the fixture in ./test.ts, checked without a browser (the base `test` has no page
// fixture here, so no Chromium starts). That the fixture is wired to the browser's events was
// checked by hand: a page error, a worker error, a console.error and a request to another host
// each fail a test.
import { test, expect } from '@playwright/test'
import {
  anyOf,
  CORS_BLOCKED,
  describeError,
  describeViolations,
  emptyViolations,
  FAILED_RESOURCE,
  isAllowedRequestUrl,
  isExpectedConsoleError,
} from './guards'

test.describe('isAllowedRequestUrl', () => {
  test('allows this machine and local schemes only', () => {
    for (const url of [
      'http://127.0.0.1:4173/',
      'http://localhost:4180/files/x.parquet',
      'http://[::1]:4180/health',
      'ws://127.0.0.1:4173/',
      'data:image/png;base64,AAAA',
      'blob:http://127.0.0.1:4173/0f0e',
      'about:blank',
    ])
      expect(isAllowedRequestUrl(url), url).toBe(true)
    for (const url of [
      'https://tiles.maps.eox.at/wmts/1/2/3.jpg',
      'http://127.0.0.2:4173/', // loopback range, but not a name the app should ever use
      'http://localhost.example.com/',
      'http://10.0.0.1/',
      'not a url',
    ])
      expect(isAllowedRequestUrl(url), url).toBe(false)
  })

  test('allows the hosts a test names, and wildcards only subdomains', () => {
    expect(isAllowedRequestUrl('https://tiles.openfreemap.org/a.pbf', ['tiles.openfreemap.org'])).toBe(true)
    expect(isAllowedRequestUrl('https://TILES.openfreemap.org/a.pbf', ['tiles.openfreemap.org'])).toBe(true)
    expect(isAllowedRequestUrl('https://openfreemap.org/', ['tiles.openfreemap.org'])).toBe(false)
    expect(isAllowedRequestUrl('https://a.tiles.example.com/', ['*.example.com'])).toBe(true)
    expect(isAllowedRequestUrl('https://example.com/', ['*.example.com'])).toBe(false)
    expect(isAllowedRequestUrl('https://badexample.com/', ['*.example.com'])).toBe(false)
  })
})

test.describe('isExpectedConsoleError', () => {
  const notFound = 'Failed to load resource: the server responded with a status of 404 (Not Found)'

  test('nothing is expected by default', () => {
    expect(isExpectedConsoleError('boom', undefined, null)).toBe(false)
    expect(isExpectedConsoleError(notFound, 'http://127.0.0.1:4180/status/404/x', null)).toBe(false)
  })

  test('one pattern, a substring, or anyOf several', () => {
    expect(isExpectedConsoleError(notFound, 'http://127.0.0.1:4180/x', FAILED_RESOURCE)).toBe(true)
    expect(isExpectedConsoleError('Something odd happened', undefined, 'odd')).toBe(true)
    const cors =
      "Access to fetch at 'http://127.0.0.1:4181/x' from origin 'http://127.0.0.1:4173' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    const both = anyOf(FAILED_RESOURCE, CORS_BLOCKED)
    expect(isExpectedConsoleError(cors, 'http://127.0.0.1:4173/', both)).toBe(true)
    expect(isExpectedConsoleError('Failed to load resource: net::ERR_FAILED', 'http://127.0.0.1:4181/x', both)).toBe(true)
    expect(isExpectedConsoleError('Uncaught TypeError: x is undefined', undefined, both)).toBe(false)
  })

  test('a pattern can name the URL, matched as `text @ url`', () => {
    const only404 = /^Failed to load resource: .* @ .*\/status\/404\//
    expect(isExpectedConsoleError(notFound, 'http://127.0.0.1:4180/status/404/x.parquet', only404)).toBe(true)
    expect(isExpectedConsoleError(notFound, 'http://127.0.0.1:4173/favicon.ico', only404)).toBe(false)
  })

  test('a global RegExp matches every time', () => {
    const global = /Failed/g
    expect(isExpectedConsoleError(notFound, undefined, global)).toBe(true)
    expect(isExpectedConsoleError(notFound, undefined, global)).toBe(true)
  })

  test("failed-resource lines about an allowed host are expected, other lines about it aren't", () => {
    const aborted = 'Failed to load resource: net::ERR_FAILED'
    const tile = 'https://tiles.example.com/3/4/5.pbf'
    expect(isExpectedConsoleError(aborted, tile, null, ['tiles.example.com'])).toBe(true)
    expect(isExpectedConsoleError(aborted, tile, null, [])).toBe(false)
    expect(isExpectedConsoleError('AJAXError: Failed to fetch', tile, null, ['tiles.example.com'])).toBe(false)
    // Allowing a remote host does not excuse failures on this machine.
    expect(isExpectedConsoleError(aborted, 'http://127.0.0.1:4180/x', null, ['tiles.example.com'])).toBe(false)
  })
})

test.describe('reports', () => {
  test('no violations, no message', () => {
    expect(describeViolations(emptyViolations())).toBeNull()
  })

  test('each kind of violation is listed with how to allow it', () => {
    const v = emptyViolations()
    v.pageErrors.push('Error: boom')
    v.consoleErrors.push('bad @ http://127.0.0.1:4173/app.js')
    v.externalRequests.push('GET https://tiles.example.com/0/0/0.pbf')
    const message = describeViolations(v) ?? ''
    expect(message).toContain('Uncaught errors in the page (1):\n  - Error: boom')
    expect(message).toContain('console.error messages (1):\n  - bad @ http://127.0.0.1:4173/app.js')
    expect(message).toContain('allowedConsoleErrors')
    expect(message).toContain('- GET https://tiles.example.com/0/0/0.pbf')
    expect(message).toContain('allowedHosts')
  })

  test('an error with nothing in it still says something', () => {
    expect(describeError({ name: 'Error', message: '', stack: '' })).toMatch(/no message/)
    expect(describeError({ name: 'TypeError', message: 'x', stack: undefined }, 'http://127.0.0.1:4173/')).toBe(
      'TypeError: x (page http://127.0.0.1:4173/)',
    )
  })
})
