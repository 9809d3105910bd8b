// Types for run.mjs; its header says what it does.
/** Bundles the builder into .cache/index-builder/<hash>/ unless it is there; returns that folder. */
export function ensureBuilder(): Promise<string>
