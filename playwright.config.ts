// End-to-end tests: the production build (`vite preview`) in a real headless Chromium, against a
// local data server. Run them with `npm run test:e2e` (scripts/run-e2e.mjs builds first).
// Playwright's own browser download cannot run here, so a system Chromium is used
// (scripts/find-chromium.mjs; on Debian `apt-get install -y chromium`).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs'
import { APP_PORT, APP_URL, DATA_PORT, DATA_URL, HOST, NO_CORS_PORT } from './e2e/support/servers'

const CI = !!process.env.CI

/**
 * Chromium features off for the tests. Chromium 156 opens the omnibox's popup as two WebUI pages
 * in a renderer of their own for every new window, so for every page a test opens: 1–2 s of CPU
 * each time, beside the app, on a 2-core machine. Headless tests never show an omnibox.
 * Chromium keeps only the last --disable-features, so this one also names Playwright's own
 * (chromiumSwitches.ts in playwright-core 1.65.1, read from the installed copy when it can be).
 */
function disabledFeatures(): string {
  const ours = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup']
  let playwrights = [
    'AvoidUnnecessaryBeforeUnloadCheckSync',
    'DestroyProfileOnBrowserClose',
    'HttpsUpgrades',
    'HttpsFirstBalancedModeAutoEnable',
    'LensOverlay',
    'MediaRouter',
    'PaintHolding',
    'ThirdPartyStoragePartitioning',
    'AvoidCorsURLLoaderRestartOnRedirect',
    'TcpPortRandomizationWin',
    'OptimizationHints',
    'NetworkTimeServiceQuerying',
    'AimEnabled',
    'PreconnectToSearch',
    'msForceBrowserSignIn',
    'msEdgeUpdateLaunchServicesPreferredVersion',
  ]
  try {
    const require = createRequire(import.meta.url)
    const bundle = readFileSync(join(dirname(require.resolve('playwright-core/package.json')), 'lib', 'coreBundle.js'), 'utf8')
    const list = /\bdisabledFeatures = \[([^\]]*)\]/.exec(bundle)?.[1]
    const names = list ? [...list.replace(/\/\/.*$/gm, '').matchAll(/"([\w-]+)"/g)].map((m) => m[1]!) : []
    if (names.length > 0) playwrights = [...new Set([...playwrights, ...names])]
  } catch {
    // Another layout of playwright-core: the copy above stands.
  }
  return `--disable-features=${[...playwrights, ...ours].join(',')}`
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // SwiftShader renders WebGL on the CPU and the machine has 2 cores. Measured on the first
  // suite (38 tests): 1 worker 3.7 min, 2 workers 3.0 min; on the 77 of the encoder issue,
  // 12.9 min against 11.8 min. Each test then takes about twice as long (close to its timeout),
  // so CI runs one at a time for steady timings; `--workers=N` overrides.
  workers: CI ? 1 : 2,
  fullyParallel: false,
  forbidOnly: CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: APP_URL,
    viewport: { width: 1280, height: 800 },
    reducedMotion: 'reduce',
    // A trace records every action's snapshots even for tests that pass: in CI, whose files
    // nobody collects here, that cost 10–17 % of a spec's time (bad-input 1.7 → 1.4 min,
    // collections 2.0 → 1.8 min); a failure still prints its error and keeps a screenshot.
    // Locally a failing test keeps its trace.
    trace: CI ? 'off' : 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: findChromium(),
      args: [...CHROMIUM_ARGS, disabledFeatures()],
    },
  },
  webServer: [
    {
      // scripts/run-e2e.mjs has built dist/ before Playwright starts.
      command: `npx vite preview --port ${APP_PORT} --strictPort --host ${HOST}${process.env.E2E_OUT_DIR ? ` --outDir ${process.env.E2E_OUT_DIR}` : ''}`,
      url: APP_URL,
      reuseExistingServer: !CI,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 2_000 },
    },
    {
      command: `node e2e/support/data-server.mjs --port ${DATA_PORT} --no-cors-port ${NO_CORS_PORT}`,
      url: `${DATA_URL}/health`,
      reuseExistingServer: !CI,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 2_000 },
    },
  ],
})
