// The `test` every spec imports: `import { test, expect } from './support/test'`.
// Around each test, an automatic fixture watches the whole browser context (pages and their
// workers) and fails the test if
//   - any page or worker threw an uncaught exception or left a promise rejection unhandled,
//     or a page crashed;
//   - anything logged console.error (or a failed console.assert), unless the test expects it;
//   - any request went to a host other than this machine, unless the test allowed that host.
// Opt-ins, per file or per describe block (Playwright's test.use):
//   test.use({ allowedConsoleErrors: FAILED_RESOURCE })                // requests a 404 on purpose
//   test.use({ allowedConsoleErrors: anyOf(CORS_BLOCKED, FAILED_RESOURCE) }) // the no-CORS server
//   test.use({ allowedHosts: ['tiles.openfreemap.org'] })  // routes that host to abort; its
//                                                          // failed-resource lines are then expected too
// The `networkLog` fixture lists every request the context made (URL, method, type, Range header),
// for tests that count requests or the bytes a read asked for.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test'
import {
  describeViolations,
  emptyViolations,
  isAllowedRequestUrl,
  isExpectedConsoleError,
  consoleErrorSubject,
  describeError,
  type AllowedConsoleErrors,
} from './guards'

export { expect }
export {
  anyOf,
  CORS_BLOCKED,
  FAILED_RESOURCE,
  type AllowedConsoleErrors,
  type ConsoleErrorPattern,
} from './guards'

/** One request the browser context made, in the order they were made. */
export interface RecordedRequest {
  url: string
  method: string
  /** Playwright's resource type: 'document', 'script', 'fetch', 'xhr', 'image', … */
  resourceType: string
  /** The Range header, when the request asked for a byte range. */
  range: string | undefined
}

export interface GuardOptions {
  /**
   * Hosts besides this machine (127.0.0.1, localhost, [::1]) that the page may request: exact
   * hostnames or `*.domain` wildcards. Chromium's "Failed to load resource" lines about them are
   * expected too. Default: none.
   */
  allowedHosts: string[]
  /**
   * console.error messages the test expects: a substring or RegExp matched against `text @ url`,
   * or `anyOf(...)` of several. Default: null, none.
   */
  allowedConsoleErrors: AllowedConsoleErrors
}

export interface GuardFixtures {
  /** Every request the browser context made during the test, so far. */
  networkLog: RecordedRequest[]
  /**
   * A second browser context, as a fresh browser elsewhere would be (no cookies, storage or cache
   * shared with the test's own), with the same viewport and base URL, watched by the same guards.
   */
  freshContext: BrowserContext
}

interface InternalFixtures {
  pageGuards: RecordedRequest[]
}

/**
 * Watch a browser context as every test's own context is watched (see the header): the requests
 * it makes, and `check()` throws if any page or worker in it failed. For specs that open a second
 * context (a fresh browser, as a colleague opening a shared link would).
 */
export function watchContext(
  context: BrowserContext,
  allowedHosts: string[] = [],
  allowedConsoleErrors: AllowedConsoleErrors = null,
): { log: RecordedRequest[]; check(): void } {
  const violations = emptyViolations()
  const log: RecordedRequest[] = []

  context.on('request', (request) => {
    const url = request.url()
    log.push({ url, method: request.method(), resourceType: request.resourceType(), range: request.headers()['range'] })
    if (!isAllowedRequestUrl(url, allowedHosts)) violations.externalRequests.push(`${request.method()} ${url}`)
  })
  // Uncaught errors and unhandled rejections, in pages and in their workers.
  context.on('weberror', (webError) => {
    violations.pageErrors.push(describeError(webError.error(), webError.page()?.url()))
  })
  // Console messages of pages and of their workers.
  context.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'assert') return
    const text = message.text()
    const url = message.location().url || undefined
    if (!isExpectedConsoleError(text, url, allowedConsoleErrors, allowedHosts))
      violations.consoleErrors.push(consoleErrorSubject(text, url))
  })
  const watchCrash = (page: Page) => page.on('crash', () => violations.crashes.push(page.url()))
  context.pages().forEach(watchCrash)
  context.on('page', watchCrash)

  return {
    log,
    check() {
      const message = describeViolations(violations)
      if (message) throw new Error(message)
    },
  }
}

export const test = base.extend<GuardOptions & GuardFixtures & InternalFixtures>({
  allowedHosts: [[], { option: true }],
  allowedConsoleErrors: [null, { option: true }],

  pageGuards: [
    async ({ context, allowedHosts, allowedConsoleErrors }, use) => {
      const guard = watchContext(context, allowedHosts, allowedConsoleErrors)
      await use(guard.log)
      guard.check()
    },
    { auto: true },
  ],

  networkLog: async ({ pageGuards }, use) => {
    await use(pageGuards)
  },

  freshContext: async ({ browser, baseURL, viewport, reducedMotion, allowedHosts, allowedConsoleErrors }, use) => {
    const context = await browser.newContext({ baseURL, viewport, reducedMotion })
    const guard = watchContext(context, allowedHosts, allowedConsoleErrors)
    await use(context)
    await context.close()
    guard.check()
  },
})
