export interface RawImport {
  specifier: string
  line: number
  /** 'import', 'import type', 'export from', 'import()', 'new URL(…, import.meta.url)', … */
  kind: string
}
export interface Offence {
  /** Repository-relative importing file. */
  file: string
  line: number
  /** Repository-relative imported file ('' for a file that is in no layer). */
  target: string
  specifier: string
  kind: string
  rule: string
}
export interface Cycle {
  /** The strongly connected component, each file once. */
  files: string[]
  /** One shortest cycle through files[0]. */
  path: string[]
  /** Every import between files of the component. */
  imports: Offence[]
}
export interface Report {
  files: number
  imports: number
  layers: Offence[]
  cycles: Cycle[]
}
export function findImports(fileName: string, text: string): RawImport[]
/** The TypeScript file a relative specifier names, or null (package, asset, missing). */
export function resolveSpecifier(fromAbs: string, specifier: string): string | null
export function cyclesOf(nodes: string[], edges: Map<string, string[]>): string[][]
/** Checks the tree under root (default: this repository). */
export function checkImports(options?: { root?: string }): Report
export function formatReport(report: Report): string[]
