import type { FileSummary } from './geoparquet/types.ts'

/** Decimal units (1 GB = 10⁹ bytes), as browsers and disks show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = bytes / 1000
  let u = 0
  while (v >= 999.5 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** Scores as people read them: three decimals, with a real minus sign. */
export function formatScore(score: number): string {
  return score.toFixed(3).replace('-', '−')
}

function dateRangeLabel(dates: readonly string[]): string | null {
  if (dates.length === 0) return null
  if (dates.length === 1) return dates[0]!
  return `${dates[0]} – ${dates[dates.length - 1]} (${dates.length} dates)`
}

/** "417 chips · Clay v0 · 768-d · 2022-06-10" */
export function datasetLabel(s: FileSummary): string {
  const parts = [`${formatCount(s.count)} chip${s.count === 1 ? '' : 's'}`]
  parts.push(s.modelLabel ?? s.fileName)
  parts.push(`${s.dims}-d`)
  const dates = dateRangeLabel(s.dates)
  if (dates) parts.push(dates)
  return parts.join(' · ')
}
