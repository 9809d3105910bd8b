// Types for build-kernels.mjs.
export const WAT_PATH: string
export const MODULE_PATH: string
/** The .wat assembled to wasm bytes. */
export function assembleKernels(watText?: string): Promise<Uint8Array>
/** The TypeScript module holding the bytes. */
export function kernelsModuleSource(bytes: Uint8Array): string
