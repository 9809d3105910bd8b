/** One layer of the import table (scripts/layers.mjs). */
export interface Layer {
  name: string
  /** Repository-relative folder, no trailing slash. */
  dir: string
  /** Only the files directly in `dir`, not its subfolders (the top layer). */
  topFiles?: boolean
  /** Only test files (and this layer itself) may import it. */
  testOnly?: boolean
  /** The layers this one may import from. */
  may: string[]
  /** Packages it may not import (ESLint only). */
  packages?: string[]
  why: string
}
export const UI_PACKAGES: string[]
export const VIEW_PACKAGES: string[]
/** Low to high. */
export const LAYERS: Layer[]
/** The folders the checker reads. */
export const ROOTS: string[]
export const ESLINT_MAX_DEPTH: number
export function isTestFile(rel: string): boolean
/** The layer of a repository-relative, '/'-separated path, or null. */
export function layerOf(rel: string): Layer | null
/** Why `from` may not import `to` (repository-relative paths), or null when it may. */
export function layerViolation(from: string, to: string): string | null
export interface EslintPattern {
  group?: string[]
  regex?: string
  caseSensitive?: boolean
  message: string
}
export function eslintPatterns(layer: Layer, depth: number, test: boolean): EslintPattern[]
export function eslintLayerBlocks(): {
  name: string
  files: string[]
  rules: { 'no-restricted-imports': ['error', { patterns: EslintPattern[] }] }
}[]
