export const CHROMIUM_ENV_VARS: readonly string[]
export const CHROMIUM_CANDIDATES: readonly string[]
/**
 * The path of a Chromium executable: `$CHROMIUM_PATH`, then `$PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH`,
 * then the usual install locations. Throws an Error that says how to install one if none is found.
 */
export function findChromium(env?: NodeJS.ProcessEnv, candidates?: readonly string[]): string
/** Flags for Debian's Chromium headless in a container, shared by the e2e tests and the benchmarks. */
export const CHROMIUM_ARGS: readonly string[]
