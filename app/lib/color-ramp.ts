// Viridis (perceptually uniform, colour-blind safe), as 11 stops interpolated linearly in sRGB:
// close to the 256-entry original, and small enough to read.
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54],
  [0x48, 0x24, 0x75],
  [0x41, 0x44, 0x87],
  [0x35, 0x5f, 0x8d],
  [0x2a, 0x78, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x22, 0xa8, 0x84],
  [0x44, 0xbf, 0x70],
  [0x7a, 0xd1, 0x51],
  [0xbd, 0xdf, 0x26],
  [0xfd, 0xe7, 0x25],
]

/** Colour for t in [0, 1] (clamped), as [r, g, b] bytes. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS_STOPS.length - 1)
  const i = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(x))
  const f = x - i
  const a = VIRIDIS_STOPS[i]!
  const b = VIRIDIS_STOPS[i + 1]!
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ]
}

/** CSS linear-gradient stops for a legend that matches the map. */
export function viridisCssGradient(direction = 'to right'): string {
  const stops = VIRIDIS_STOPS.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(i * 100) / (VIRIDIS_STOPS.length - 1)}%`)
  return `linear-gradient(${direction}, ${stops.join(', ')})`
}
