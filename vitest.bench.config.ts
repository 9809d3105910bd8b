// `npm run bench`: benchmarks run as one vitest file, in one process, one at a time, so peers
// are measured side by side on the same machine state. Results go to bench/results.json.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    fileParallelism: false,
    pool: 'forks',
    // rank.bench.ts frees one size's 4 GB of WebAssembly memory before it fills the next.
    execArgv: ['--expose-gc'],
  },
})
