/** Embedding length of the generated files. */
export const DIMS: number
/** Rows in each non-empty generated file. */
export const ROWS: number
/** Planted clusters in small-valid.parquet: row i belongs to cluster i % CLUSTERS. */
export const CLUSTERS: number
/** Writes every fixture into outDir and returns their paths. */
export function writeFixtures(outDir: string): Promise<string[]>
