// bench/archive.mjs runs archive.run.ts through this config (TypeScript imports of app/lib need
// vitest's transform). Not part of `npm run bench` until the whole run takes a few minutes.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['bench/archive/*.run.ts'],
    environment: 'node',
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    fileParallelism: false,
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
})
