// The pure rules behind the test fixture in ./test.ts: which requests leave the machine and which
// console errors a test said it expects. No Playwright imports, so ./guards.spec.ts checks them
// without a browser.

/** Hostnames that are this machine. `URL.hostname` keeps IPv6 brackets. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Schemes that never reach a network. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:', 'chrome-error:', 'chrome-extension:'])

/**
 * True when a request to `url` stays on this machine or goes to a host the test allowed.
 * An allowed host is a hostname (`tiles.example.com`) or a wildcard for its subdomains
 * (`*.example.com`, which does not match `example.com` itself).
 */
export function isAllowedRequestUrl(url: string, allowedHosts: readonly string[] = []): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (LOCAL_SCHEMES.has(parsed.protocol)) return true
  const host = parsed.hostname.toLowerCase()
  if (LOOPBACK_HOSTS.has(host)) return true
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase()
    return allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed
  })
}

/** An expected console error: a substring of, or a pattern for, `text @ url` (see consoleErrorSubject). */
export type ConsoleErrorPattern = string | RegExp

/** Several patterns as one option value; build it with `anyOf`. */
export interface ConsoleErrorSet {
  readonly anyOf: readonly ConsoleErrorPattern[]
}

/**
 * The `allowedConsoleErrors` option: one pattern, `anyOf(...)` for several, or null for none.
 * Not an array on purpose: Playwright reads `test.use({ x: [a, b] })` as a fixture tuple
 * `[value, options]` whenever `b` is an object (a RegExp is), and silently drops `b`.
 */
export type AllowedConsoleErrors = ConsoleErrorPattern | ConsoleErrorSet | null

/** Several expected console errors as one option value. */
export function anyOf(...patterns: ConsoleErrorPattern[]): ConsoleErrorSet {
  return { anyOf: patterns }
}

/** Chromium's own line for a subresource that answered >= 400 or failed on the network. */
export const FAILED_RESOURCE = /^Failed to load resource: /
/** Chromium's line when a cross-origin read is refused for lack of CORS headers. */
export const CORS_BLOCKED = / has been blocked by CORS policy/

/**
 * What an allow-list pattern is matched against: the message text, then, when the browser gave
 * one, ` @ ` and the URL of the script or resource it is about. So `FAILED_RESOURCE` allows every
 * failed-resource line, while `/^Failed to load resource: .* @ .*\/status\/404\//` allows only
 * those about one URL.
 */
export function consoleErrorSubject(text: string, locationUrl?: string): string {
  return locationUrl ? `${text} @ ${locationUrl}` : text
}

function matches(subject: string, pattern: ConsoleErrorPattern): boolean {
  if (typeof pattern === 'string') return subject.includes(pattern)
  pattern.lastIndex = 0 // a /g or /y pattern would otherwise remember where it stopped
  return pattern.test(subject)
}

/**
 * True when a console error is expected: it matches the test's allow-list, or it is Chromium's
 * failed-resource line about a host the test allowed (such a test usually aborts that host's
 * requests on purpose, and every aborted request logs one).
 */
export function isExpectedConsoleError(
  text: string,
  locationUrl: string | undefined,
  allowed: AllowedConsoleErrors | readonly ConsoleErrorPattern[],
  allowedHosts: readonly string[] = [],
): boolean {
  if (
    locationUrl &&
    allowedHosts.length > 0 &&
    FAILED_RESOURCE.test(text) &&
    !isAllowedRequestUrl(locationUrl) &&
    isAllowedRequestUrl(locationUrl, allowedHosts)
  )
    return true
  if (allowed === null) return false
  const subject = consoleErrorSubject(text, locationUrl)
  // An array still works when Playwright left it whole (one element, or strings only).
  const patterns = Array.isArray(allowed) ? allowed : typeof allowed === 'object' && 'anyOf' in allowed ? allowed.anyOf : [allowed]
  return patterns.some((pattern) => matches(subject, pattern))
}

/**
 * One uncaught error for the report. Some have neither message nor stack: a Worker whose script
 * failed to load reports an error event with nothing in it, and `throw 'text'` has no stack.
 */
export function describeError(error: { name: string; message: string; stack?: string | undefined }, pageUrl?: string): string {
  const where = pageUrl ? ` (page ${pageUrl})` : ''
  if (error.stack) return `${error.stack}${where}`
  if (error.message) return `${error.name}: ${error.message}${where}`
  return `${error.name || 'Error'} with no message (often a Worker script that failed to load)${where}`
}

/** Everything that made a test fail after its body ran, grouped for one readable error. */
export interface Violations {
  pageErrors: string[]
  consoleErrors: string[]
  externalRequests: string[]
  crashes: string[]
}

export function emptyViolations(): Violations {
  return { pageErrors: [], consoleErrors: [], externalRequests: [], crashes: [] }
}

/** One message for all violations, or null when there are none. */
export function describeViolations(v: Violations): string | null {
  const sections: string[] = []
  const add = (title: string, lines: string[], hint: string) => {
    if (lines.length === 0) return
    sections.push(`${title} (${lines.length}):\n${lines.map((l) => `  - ${l}`).join('\n')}\n  ${hint}`)
  }
  add('Page crashed', v.crashes, '')
  add('Uncaught errors in the page', v.pageErrors, 'Every uncaught exception fails a test.')
  add(
    'console.error messages',
    v.consoleErrors,
    "If expected, allow it: test.use({ allowedConsoleErrors: /pattern/ or anyOf(a, b) }) (e2e/support/guards.ts).",
  )
  add(
    'Requests to hosts other than this machine',
    v.externalRequests,
    "If the test means it (e.g. it routes that host to abort), allow it: test.use({ allowedHosts: ['host'] }).",
  )
  return sections.length === 0 ? null : sections.join('\n\n')
}
