// Finds a Chromium for Playwright. Playwright's own browser download cannot run here (no network
// beyond the package registries), so the end-to-end tests drive a system Chromium through
// `launchOptions.executablePath`. Debian's package is the reference: `apt-get install -y chromium`.
import { accessSync, constants, statSync } from 'node:fs'

/** Environment variables checked first, in order. */
export const CHROMIUM_ENV_VARS = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH']

/** Usual install locations, checked after the environment, in order. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
]

/** @param {string} path */
function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The path of a Chromium executable: `$CHROMIUM_PATH`, then
 * `$PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH`, then the usual install locations.
 * A variable that is set but points at nothing usable is an error rather than silently skipped,
 * so a typo doesn't run the tests against a different browser.
 * @param {NodeJS.ProcessEnv} [env]
 * @param {readonly string[]} [candidates]
 * @returns {string}
 */
export function findChromium(env = process.env, candidates = CHROMIUM_CANDIDATES) {
  for (const name of CHROMIUM_ENV_VARS) {
    const value = env[name]
    if (!value) continue
    if (isExecutableFile(value)) return value
    throw new Error(`${name} is set to ${JSON.stringify(value)}, which is not an executable file.`)
  }
  for (const path of candidates) if (isExecutableFile(path)) return path
  throw new Error(
    [
      'No Chromium found for the end-to-end tests.',
      `Looked at ${CHROMIUM_ENV_VARS.map((n) => `$${n}`).join(', ')} and ${candidates.join(', ')}.`,
      'On Debian/Ubuntu install it with: apt-get update && apt-get install -y chromium',
      'or point CHROMIUM_PATH at a Chromium or Chrome executable.',
    ].join('\n'),
  )
}

/**
 * Flags for Debian's Chromium headless in a container (the e2e tests and the benchmarks share
 * them): WebGL falls back to SwiftShader, and WebGPU is on (a software adapter here).
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
])
