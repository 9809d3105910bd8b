// The app's shared terms, each defined once: the ways of ranking and scoring, the basemaps, where
// the encoder runs, what a chip id and an openable URL are, and the defaults a new search starts
// from. The link codec (url-state.ts), the store (app/state/store.ts), the ranking (rank/), the
// worker protocols (workers/*/protocol.ts) and the UI all take them from here, so a new method or
// basemap is added in one place. Pure data and checks: this module imports nothing.

// ── Examples ─────────────────────────────────────────────────────────────────────────────────

/** What an example says: more like this (positive) or not like this (negative). */
export const EXAMPLE_LABELS = ['positive', 'negative'] as const
export type ExampleLabel = (typeof EXAMPLE_LABELS)[number]

// ── Ranking ──────────────────────────────────────────────────────────────────────────────────

/** centred: compare x − μ (μ the mean of every loaded row); raw: compare x as stored. */
export const SCORE_MODES = ['centred', 'raw'] as const
export type ScoreMode = (typeof SCORE_MODES)[number]

/**
 * How the examples become scores:
 * - mean: cosine similarity to the average example (positives, pushed away from negatives);
 * - max: cosine similarity to the closest positive (for varied examples), minus the pull of
 *   the closest negative;
 * - classifier: a logistic regression trained in the search worker on the labelled chips
 *   (unlabelled chips drawn at random stand in for negatives when there are none); the score is
 *   its probability that a chip is like the positives.
 */
export const RANK_METHODS = ['mean', 'max', 'classifier'] as const
export type RankMethod = (typeof RANK_METHODS)[number]

/**
 * What the scan reads: exact float32 rows, or compact codes (int8 per dimension, binary signs)
 * whose best candidates are then rescored exactly. 'auto' picks exact while it is fast enough.
 */
export const PRECISIONS = ['auto', 'exact', 'int8', 'binary'] as const
export type Precision = (typeof PRECISIONS)[number]
/** The precision a scan actually read ('auto' resolved). */
export type ScanPrecision = Exclude<Precision, 'auto'>

/** Which kernels score the rows: WebAssembly SIMD, or the plain JS fallback. */
export type KernelKind = 'wasm-simd' | 'js'

// ── The map ──────────────────────────────────────────────────────────────────────────────────

/** The basemaps a person can choose (app/map/basemaps.ts has their styles). */
export const BASEMAPS = ['satellite', 'plain', 'offline'] as const
export type BasemapId = (typeof BASEMAPS)[number]

// ── The encoder ──────────────────────────────────────────────────────────────────────────────

/** Where the encoder runs: 'auto' takes WebGPU where the browser has a usable adapter. */
export const ENCODER_BACKENDS = ['auto', 'webgpu', 'wasm'] as const
export type BackendChoice = (typeof ENCODER_BACKENDS)[number]

// ── Defaults ─────────────────────────────────────────────────────────────────────────────────

export const DEFAULT_SCORE_MODE: ScoreMode = 'centred'
/** Links without a method rank by the mean, as every link did before methods came. */
export const DEFAULT_RANK_METHOD: RankMethod = 'mean'
export const DEFAULT_BASEMAP: BasemapId = 'satellite'
export const DEFAULT_ENCODER_BACKEND: BackendChoice = 'auto'

/** How many results the list shows unless the person (or the link) chose another number. */
export const DEFAULT_RESULT_COUNT = 50
/** The numbers the list offers; a link may carry any count from 1 to MAX_RESULT_COUNT. */
export const RESULT_COUNT_CHOICES = [20, 50, 100, 200, 500, 1000] as const
/** The most results a list (or a link) can ask for. */
export const MAX_RESULT_COUNT = 10_000

/** Default memory budget for embeddings: comfortable in a laptop's browser tab. */
export const DEFAULT_BUDGET_BYTES = 1_000_000_000
export const BUDGET_CHOICES = [250_000_000, 500_000_000, 1_000_000_000, 2_000_000_000, 4_000_000_000] as const

// ── Untrusted input: chip ids, examples, URLs ────────────────────────────────────────────────

/** The longest chip id a link or an embed command carries (labels files allow 200). */
export const CHIP_ID_MAX_LENGTH = 256
/** The most examples of each kind (positive, negative) a link or an embed command carries. */
export const MAX_EXAMPLES = 500
/** The longest URL (a dataset's, a STAC API's) that is opened. */
export const MAX_URL_LENGTH = 2048

/**
 * Whether a text can be a chip id that a link carries: 1 to `maxLength` characters, none of them
 * a control character (they never occur in chip ids; refusing them keeps logs and exports clean).
 * Links, embed commands and labels files all check ids with it.
 */
export function isChipId(id: string, maxLength: number = CHIP_ID_MAX_LENGTH): boolean {
  // eslint-disable-next-line no-control-regex
  return id.length > 0 && id.length <= maxLength && !/[\u0000-\u001f\u007f]/.test(id)
}

/** Only absolute http(s) URLs may be opened: never javascript:, data:, file: or anything else. */
export function isOpenableUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
