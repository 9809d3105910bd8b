// Reads pixels out of a Playwright screenshot (PNG, 8-bit RGB or RGBA, non-interlaced, which is
// what Chromium writes) with node:zlib alone, so a test can check what a person would see at a
// point on the map.
import { inflateSync } from 'node:zlib'

export interface Rgba {
  r: number
  g: number
  b: number
  a: number
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

export function decodePng(png: Buffer): { width: number; height: number; pixel(x: number, y: number): Rgba } {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let offset = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      const bitDepth = data[8]
      const colorType = data[9]
      if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0) throw new Error('unsupported PNG layout')
      channels = colorType === 6 ? 4 : 3
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const out = Buffer.alloc(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!
      const left = x >= channels ? out[y * stride + x - channels]! : 0
      const up = y > 0 ? out[(y - 1) * stride + x]! : 0
      const upLeft = y > 0 && x >= channels ? out[(y - 1) * stride + x - channels]! : 0
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter]
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`)
      out[y * stride + x] = (v + predictor) & 0xff
    }
  }
  return {
    width,
    height,
    pixel(x, y) {
      const i = y * stride + x * channels
      return { r: out[i]!, g: out[i + 1]!, b: out[i + 2]!, a: channels === 4 ? out[i + 3]! : 255 }
    },
  }
}

/** Euclidean distance between two colours in RGB. */
export function colourDistance(a: Rgba, b: Rgba): number {
  return Math.hypot(a.r - b.r, a.g - b.g, a.b - b.b)
}
