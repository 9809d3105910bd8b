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
// `sharedPage(open)` (below) gives the tests of a file or describe block one page, opened once,
// watched by the same guards: whatever goes wrong in it while a test runs fails that test.
import { test as base, expect, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test'
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
    /** Throws if anything failed since the context opened or since the last check (which it forgets). */
    check() {
      const message = describeViolations(violations)
      Object.assign(violations, emptyViolations())
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

export interface SharedPageOptions {
  /** As the `allowedHosts` option, for the shared page's context (test.use can't reach a beforeAll). */
  allowedHosts?: string[]
  /** As the `allowedConsoleErrors` option, for the shared page's context. */
  allowedConsoleErrors?: AllowedConsoleErrors
  /** Context options over the project's baseURL, viewport and reducedMotion (e.g. permissions). */
  contextOptions?: BrowserContextOptions
}

export interface SharedPage {
  /** The page, opened by `open` before the first test of the block. */
  readonly page: Page
  /** Every request its context made since it opened. */
  readonly networkLog: RecordedRequest[]
}

/**
 * One page for the tests of a file or describe block, opened once by `open` in a beforeAll hook:
 * opening the app costs seconds on a machine that draws WebGL on the CPU. For tests that only read
 * what the page shows (or leave it as they found it): each must pass whichever ran before it.
 *
 * The page's context is watched by the same guards as a test's own (see the header), checked after
 * every test: an uncaught error, a crash, a console.error or a request off the machine while a test
 * ran fails that test (and one while the page opened fails every test of the block). A failed test
 * makes Playwright start a new worker, so the tests after it run on a newly opened page.
 */
export function sharedPage(open: (page: Page) => Promise<void>, options: SharedPageOptions = {}): SharedPage {
  let context: BrowserContext | undefined
  let page: Page | undefined
  let guard: ReturnType<typeof watchContext> | undefined

  test.beforeAll(async ({ browser }, testInfo) => {
    const { baseURL, viewport, reducedMotion } = testInfo.project.use
    context = await browser.newContext({ baseURL, viewport, reducedMotion, ...options.contextOptions })
    guard = watchContext(context, options.allowedHosts, options.allowedConsoleErrors ?? null)
    page = await context.newPage()
    await open(page)
    guard.check()
  })
  test.afterEach(() => {
    guard?.check()
  })
  test.afterAll(async () => {
    await context?.close()
    guard?.check()
  })

  return {
    get page() {
      if (!page) throw new Error('sharedPage: the page is opened in beforeAll, so use it inside a test')
      return page
    },
    get networkLog() {
      if (!guard) throw new Error('sharedPage: the page is opened in beforeAll, so use it inside a test')
      return guard.log
    },
  }
}
