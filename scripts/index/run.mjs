#!/usr/bin/env node
// The entry of `npm run index` (scripts/index/cli.ts; docs/index-build.md). Node 20 can't run
// TypeScript, and the builder must decode with the app's own TypeScript decoder, so the builder
// (cli.ts and its worker) is bundled once with Vite's SSR build into
// .cache/index-builder/<hash>/, the hash taken over every source it may include, and imported
// from there. Packages stay external: they load from node_modules as usual.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SOURCE_DIRS = ['app/lib', 'scripts/index', 'scripts/lib']

function sourceFiles(dir) {
  const out = []
  for (const e of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`
    if (e.isDirectory()) out.push(...sourceFiles(rel))
    else if (/\.(ts|mjs|wat)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) out.push(rel)
  }
  return out
}

/** The bundle's folder: a hash of the sources, the lockfile and this script. */
function bundleDir() {
  const h = createHash('sha256')
  for (const f of [...SOURCE_DIRS.flatMap(sourceFiles), 'package-lock.json'].sort()) h.update(f).update(readFileSync(path.join(repoRoot, f)))
  return path.join(repoRoot, '.cache', 'index-builder', h.digest('hex').slice(0, 16))
}

/** Bundles the builder unless this version is there already; returns the folder. */
export async function ensureBuilder() {
  const dir = bundleDir()
  if (existsSync(path.join(dir, 'cli.mjs'))) return dir
  const { build } = await import('vite')
  const staging = `${dir}.${process.pid}.tmp`
  await build({
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    publicDir: false,
    build: {
      ssr: true,
      target: 'node20',
      outDir: staging,
      emptyOutDir: true,
      minify: false,
      rollupOptions: {
        input: { cli: path.join(repoRoot, 'scripts/index/cli.ts'), worker: path.join(repoRoot, 'scripts/index/worker.ts') },
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
      },
    },
  })
  // Two builds racing (shards on one volume) write the same bytes; the first rename wins.
  try {
    renameSync(staging, dir)
  } catch {
    rmSync(staging, { recursive: true, force: true })
  }
  return dir
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = await ensureBuilder()
  const { main } = await import(pathToFileURL(path.join(dir, 'cli.mjs')).href)
  process.exitCode = await main(process.argv.slice(2))
}
