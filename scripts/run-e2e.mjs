// `npm run test:e2e`: build the app, then run Playwright against the build in a system Chromium.
//   node scripts/run-e2e.mjs [playwright test args…]     e.g. -g "search" or e2e/search.spec.ts
// Env: E2E_SKIP_BUILD=1 reuses dist/ as it is; CHROMIUM_PATH picks the browser; E2E_OUT_DIR
// builds into and serves another folder than dist/ (for two runs side by side in one checkout).
import { spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findChromium } from './find-chromium.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** @param {string[]} argv @param {NodeJS.ProcessEnv} env @returns {Promise<number>} */
function run(argv, env = process.env) {
  const [command = 'npx', ...args] = argv
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' })
    const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', (error) => {
      console.error(`[run-e2e] could not start ${command}: ${error.message}`)
      done(1)
    })
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      done(code ?? (signal ? 1 : 0))
    })
  })
}

let chromium
try {
  chromium = findChromium()
} catch (error) {
  console.error(`[run-e2e] ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
console.log(`[run-e2e] Chromium: ${chromium}`)

// The build and the generated data the servers need run side by side: the synthetic encoder set
// (a scene written by /usr/bin/python3 with numpy and tifffile, its chips embedded by the test
// encoder) and the synthetic sets the data server serves. Each is cached (the first run from a
// fresh clone pays for all three), and making the data here means the data server's start limit
// never has to include it. Without the encoder set the encoder-mode specs fail and say why.
/** @returns {Promise<number>} the build's exit code */
async function build() {
  if (process.env.E2E_SKIP_BUILD === '1') {
    console.log('[run-e2e] E2E_SKIP_BUILD=1: using dist/ as it is')
    return 0
  }
  const outDir = process.env.E2E_OUT_DIR
  // A test build: VITE_TEST_API=1 gives it the test API the specs read (app/testing/test-api.ts).
  return run(['npx', 'vite', 'build', ...(outDir ? ['--outDir', outDir, '--emptyOutDir'] : [])], { ...process.env, VITE_TEST_API: '1' })
}

async function encoderSet() {
  try {
    const { writeEncoderSet } = await import('./make-encoder-set.mjs')
    const set = await writeEncoderSet({ log: (line) => console.log(`[run-e2e] ${line}`) })
    console.log(`[run-e2e] encoder set: ${set.rows} chips in ${set.dir}`)
  } catch (error) {
    console.error(`[run-e2e] could not make the synthetic encoder set: ${error instanceof Error ? error.message : String(error)}`)
  }
}

// Where the data server (e2e/support/data-server.mjs, default --dir) looks for them.
async function syntheticSets() {
  try {
    const { writeSyntheticSets } = await import('./make-synthetic-sets.mjs')
    const manifest = await writeSyntheticSets(resolve(root, 'e2e', '.fixtures', 'sets'))
    console.log(`[run-e2e] synthetic sets: ${manifest.files.length} files`)
    // The indexed archive of the whole-archive search tests, by the real index builder.
    const { writeIndexedSet } = await import('./make-indexed-set.mjs')
    const indexed = writeIndexedSet(resolve(root, 'e2e', '.fixtures', 'sets'))
    console.log(`[run-e2e] indexed set: ${indexed.chips} chips`)
  } catch (error) {
    // The data server makes them itself at start, and says so if it can't.
    console.error(`[run-e2e] could not make the synthetic sets here: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const [built] = await Promise.all([build(), encoderSet(), syntheticSets()])
if (built !== 0) {
  console.error(`[run-e2e] vite build failed (exit ${built})`)
  process.exit(built)
}

process.exitCode = await run(['npx', 'playwright', 'test', ...process.argv.slice(2)], {
  ...process.env,
  CHROMIUM_PATH: chromium,
})
