// bench/archive.mjs runs archive.run.ts through this config (TypeScript imports of app/lib need
// vitest's transform). Not part of `npm run bench` (9–18 min): `npm run bench:archive`.
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
