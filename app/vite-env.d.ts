/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** '1' in test builds (`VITE_TEST_API=1 vite build`, as scripts/run-e2e.mjs builds): app/compose.ts installs the test API. */
  readonly VITE_TEST_API?: string
}
