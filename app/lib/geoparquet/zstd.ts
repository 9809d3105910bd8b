// ZSTD (RFC 8878) decompression into a caller's buffer, for Parquet pages.
//
// Why not hyparquet-compressors' fzstd: on float pages a ZSTD frame is almost all Huffman-coded
// literals, and fzstd decodes those one bit-window at a time (~85 MB/s here), slower than the
// rest of the decode put together. This decoder reads each of the four literal streams through
// a 32-bit window, two symbols per refill, the four streams interleaved (~4× fzstd), and writes
// into a reusable buffer instead of allocating per page. Dictionaries are not supported (Parquet
// never uses them); any frame this rejects is handed to fzstd by the caller.

export class ZstdError extends Error {
  override name = 'ZstdError'
}

function zfail(what: string): never {
  throw new ZstdError(`zstd: ${what}`)
}

function highBit(x: number): number {
  return 31 - Math.clz32(x)
}

/** Bits [bit, bit + n) of src, counting from byte `start` (n ≤ 25); bytes past `end` read as 0. */
function bitsAt(src: Uint8Array, start: number, end: number, bit: number, n: number): number {
  const b = start + (bit >>> 3)
  const w =
    (b < end ? (src[b] as number) : 0) |
    (b + 1 < end ? (src[b + 1] as number) << 8 : 0) |
    (b + 2 < end ? (src[b + 2] as number) << 16 : 0) |
    (b + 3 < end ? (src[b + 3] as number) << 24 : 0)
  return ((w >>> (bit & 7)) & (n === 32 ? -1 : (1 << n) - 1)) >>> 0
}

/** A backward bitstream (Huffman weights, sequences): read from the end, after the marker bit. */
class BackBits {
  src: Uint8Array
  start: number
  end: number
  /** Unread bits, counted from `start`; negative once the stream has been over-read. */
  pos: number
  constructor(src: Uint8Array, start: number, end: number) {
    if (end <= start) zfail('empty bitstream')
    const last = src[end - 1] as number
    if (last === 0) zfail('bitstream without end marker')
    this.src = src
    this.start = start
    this.end = end
    this.pos = (end - 1 - start) * 8 + highBit(last)
  }
  read(n: number): number {
    if (n === 0) return 0
    this.pos -= n
    const p = this.pos
    if (p >= 0) {
      if (n <= 25) return bitsAt(this.src, this.start, this.end, p, n)
      return bitsAt(this.src, this.start, this.end, p + 16, n - 16) * 65536 + bitsAt(this.src, this.start, this.end, p, 16)
    }
    // Past the start: missing low bits read as zeros (the reference decoder does the same).
    if (p + n <= 0) return 0
    return bitsAt(this.src, this.start, this.end, 0, p + n) * 2 ** -p
  }
}

/** An FSE decoding table: per state, the symbol, the bits to read, and the next state's base. */
interface FseTable {
  log: number
  symbol: Uint8Array
  bits: Uint8Array
  base: Uint16Array
}

function buildFse(norm: Int16Array, symbols: number, log: number): FseTable {
  const size = 1 << log
  const symbol = new Uint8Array(size)
  const bits = new Uint8Array(size)
  const base = new Uint16Array(size)
  const next = new Uint16Array(symbols)
  let high = size - 1
  for (let s = 0; s < symbols; s++) {
    const c = norm[s] as number
    if (c === -1) {
      symbol[high--] = s
      next[s] = 1
    } else {
      next[s] = c
    }
  }
  const step = (size >>> 1) + (size >>> 3) + 3
  const mask = size - 1
  let pos = 0
  for (let s = 0; s < symbols; s++) {
    const c = norm[s] as number
    for (let i = 0; i < c; i++) {
      symbol[pos] = s
      do pos = (pos + step) & mask
      while (pos > high)
    }
  }
  if (pos !== 0) zfail('bad FSE distribution')
  for (let u = 0; u < size; u++) {
    const s = symbol[u] as number
    const ns = next[s] as number
    next[s] = ns + 1
    const nb = log - highBit(ns)
    bits[u] = nb
    base[u] = (ns << nb) - size
  }
  return { log, symbol, bits, base }
}

function rleFse(sym: number): FseTable {
  return { log: 0, symbol: new Uint8Array([sym]), bits: new Uint8Array(1), base: new Uint16Array(1) }
}

/** Reads an FSE table description at src[pos]; returns the table and the bytes it took. */
function readFseTable(src: Uint8Array, pos: number, end: number, maxSymbol: number, maxLog: number): [FseTable, number] {
  let bit = 0
  const take = (n: number): number => {
    const v = bitsAt(src, pos, end, bit, n)
    bit += n
    return v
  }
  const log = take(4) + 5
  if (log > maxLog) zfail('FSE accuracy too high')
  const norm = new Int16Array(maxSymbol + 1)
  let remaining = (1 << log) + 1
  let threshold = 1 << log
  let nbBits = log + 1
  let s = 0
  while (remaining > 1) {
    if (s > maxSymbol) zfail('FSE table has too many symbols')
    const max = 2 * threshold - 1 - remaining
    let count: number
    const low = bitsAt(src, pos, end, bit, nbBits - 1)
    if (low < max) {
      count = low
      bit += nbBits - 1
    } else {
      count = bitsAt(src, pos, end, bit, nbBits)
      if (count >= threshold) count -= max
      bit += nbBits
    }
    count--
    remaining -= count < 0 ? -count : count
    norm[s++] = count
    if (count === 0) {
      for (;;) {
        const repeat = take(2)
        s += repeat
        if (repeat !== 3) break
      }
    }
    while (remaining < threshold) {
      nbBits--
      threshold >>= 1
    }
  }
  if (remaining !== 1 || s > maxSymbol + 1) zfail('bad FSE table')
  const used = (bit + 7) >>> 3
  if (pos + used > end) zfail('FSE table runs past its block')
  return [buildFse(norm, s, log), used]
}

const LL_BITS = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
const ML_BITS = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11,
  12, 13, 14, 15, 16,
])
function baselines(bits: Uint8Array, first: number): Uint32Array {
  const out = new Uint32Array(bits.length)
  for (let i = 0, b = first; i < bits.length; i++) {
    out[i] = b
    b += 1 << (bits[i] as number)
  }
  return out
}
const LL_BASE = baselines(LL_BITS, 0)
const ML_BASE = baselines(ML_BITS, 3)
const LL_DEFAULT = buildFse(
  new Int16Array([4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1]),
  36,
  6,
)
const ML_DEFAULT = buildFse(
  new Int16Array([
    1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1,
    -1, -1, -1, -1, -1,
  ]),
  53,
  6,
)
const OF_DEFAULT = buildFse(new Int16Array([1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1]), 29, 5)

/** Huffman decoding table: entry = symbol | bits << 8, indexed by the next maxBits bits. */
interface Huffman {
  maxBits: number
  table: Uint16Array
}

/** Reads a Huffman tree description at src[pos]; returns the table and the bytes it took. */
function readHuffman(src: Uint8Array, pos: number, end: number): [Huffman, number] {
  const header = src[pos] as number
  const weights = new Uint8Array(256)
  let count = 0
  let used: number
  if (header < 128) {
    used = 1 + header
    if (pos + used > end) zfail('Huffman weights run past their block')
    const [fse, tableBytes] = readFseTable(src, pos + 1, pos + used, 255, 6)
    const bits = new BackBits(src, pos + 1 + tableBytes, pos + used)
    let s1 = bits.read(fse.log)
    let s2 = bits.read(fse.log)
    for (;;) {
      if (count > 253) zfail('too many Huffman weights')
      weights[count++] = fse.symbol[s1] as number
      s1 = (fse.base[s1] as number) + bits.read(fse.bits[s1] as number)
      if (bits.pos < 0) {
        weights[count++] = fse.symbol[s2] as number
        break
      }
      weights[count++] = fse.symbol[s2] as number
      s2 = (fse.base[s2] as number) + bits.read(fse.bits[s2] as number)
      if (bits.pos < 0) {
        weights[count++] = fse.symbol[s1] as number
        break
      }
    }
  } else {
    count = header - 127
    used = 1 + ((count + 1) >> 1)
    if (pos + used > end) zfail('Huffman weights run past their block')
    for (let i = 0; i < count; i++) {
      const byte = src[pos + 1 + (i >> 1)] as number
      weights[i] = i & 1 ? byte & 15 : byte >> 4
    }
  }
  let total = 0
  for (let i = 0; i < count; i++) {
    const w = weights[i] as number
    if (w > 11) zfail('Huffman weight too large')
    if (w > 0) total += 1 << (w - 1)
  }
  if (total === 0) zfail('empty Huffman tree')
  const maxBits = highBit(total) + 1
  if (maxBits > 11) zfail('Huffman code too long')
  const rest = (1 << maxBits) - total
  if (rest & (rest - 1)) zfail('Huffman weights do not sum to a power of two')
  weights[count++] = highBit(rest) + 1
  // Longest codes (lowest weight) take the lowest table indices, symbols in order within a weight.
  const rankStart = new Uint32Array(maxBits + 2)
  const perBits = new Uint32Array(maxBits + 2)
  for (let i = 0; i < count; i++) {
    const w = weights[i] as number
    if (w > 0) perBits[maxBits + 1 - w] = (perBits[maxBits + 1 - w] as number) + 1
  }
  let next = 0
  for (let nb = maxBits; nb >= 1; nb--) {
    rankStart[nb] = next
    next += (perBits[nb] as number) << (maxBits - nb)
  }
  const table = new Uint16Array(1 << maxBits)
  for (let s = 0; s < count; s++) {
    const w = weights[s] as number
    if (w === 0) continue
    const nb = maxBits + 1 - w
    const from = rankStart[nb] as number
    const len = 1 << (w - 1)
    table.fill(s | (nb << 8), from, from + len)
    rankStart[nb] = from + len
  }
  return [{ maxBits, table }, used]
}

/** One Huffman stream src[start, end) into out[o, oEnd); careful at both ends. */
function huffmanStream(src: Uint8Array, start: number, end: number, h: Huffman, out: Uint8Array, o: number, oEnd: number): void {
  if (end <= start) zfail('empty Huffman stream')
  const last = src[end - 1] as number
  if (last === 0) zfail('Huffman stream without end marker')
  const { table, maxBits } = h
  const mask = (1 << maxBits) - 1
  // Absolute bit position (from src[0]) of the next unread bit + 1.
  let p = (end - 1) * 8 + highBit(last)
  const floor = start * 8
  // Fast: while a 32-bit window ending at p lies inside the stream, two symbols per window.
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength)
  while (o + 2 <= oEnd && p - floor >= 32) {
    const b = (p >>> 3) - 3
    const w = dv.getInt32(b, true)
    let top = p - (b << 3)
    let e = table[(w >>> (top - maxBits)) & mask] as number
    out[o++] = e
    top -= e >>> 8
    e = table[(w >>> (top - maxBits)) & mask] as number
    out[o++] = e
    top -= e >>> 8
    p = (b << 3) + top
  }
  while (o < oEnd) {
    const rel = p - floor
    let peek: number
    if (rel >= maxBits) peek = bitsAt(src, start, end, rel - maxBits, maxBits)
    else peek = rel > 0 ? bitsAt(src, start, end, 0, rel) << (maxBits - rel) : 0
    const e = table[peek] as number
    out[o++] = e
    p -= e >>> 8
    if (p < floor) zfail('Huffman stream over-read')
  }
  if (p !== floor) zfail('Huffman stream not fully consumed')
}

/** Four interleaved Huffman streams (jump table first) into out[o, o + size). */
function huffman4(src: Uint8Array, start: number, end: number, h: Huffman, out: Uint8Array, o: number, size: number): void {
  if (end - start < 10) zfail('4-stream literals too short')
  const s1 = start + 6
  const s2 = s1 + ((src[start] as number) | ((src[start + 1] as number) << 8))
  const s3 = s2 + ((src[start + 2] as number) | ((src[start + 3] as number) << 8))
  const s4 = s3 + ((src[start + 4] as number) | ((src[start + 5] as number) << 8))
  if (s4 > end) zfail('4-stream jump table runs past its literals')
  const seg = (size + 3) >>> 2
  if (seg * 3 > size) zfail('4-stream literals too short')
  const o1 = o
  const o2 = o1 + seg
  const o3 = o2 + seg
  const o4 = o3 + seg
  const oEnd = o + size
  const { table, maxBits } = h
  const mask = (1 << maxBits) - 1
  // Interleave the four streams while each has a full 32-bit window and room for two symbols;
  // independent work lets the CPU overlap the table loads.
  const lastA = src[s2 - 1] as number
  const lastB = src[s3 - 1] as number
  const lastC = src[s4 - 1] as number
  const lastD = src[end - 1] as number
  if (s2 <= s1 || s3 <= s2 || s4 <= s3 || end <= s4 || !lastA || !lastB || !lastC || !lastD) {
    zfail('bad 4-stream literals')
  }
  let pA = (s2 - 1) * 8 + highBit(lastA)
  let pB = (s3 - 1) * 8 + highBit(lastB)
  let pC = (s4 - 1) * 8 + highBit(lastC)
  let pD = (end - 1) * 8 + highBit(lastD)
  const fA = s1 * 8 + 32
  const fB = s2 * 8 + 32
  const fC = s3 * 8 + 32
  const fD = s4 * 8 + 32
  let oA = o1
  let oB = o2
  let oC = o3
  let oD = o4
  const eA = o2 - 2
  const eB = o3 - 2
  const eC = o4 - 2
  const eD = oEnd - 2
  const perIter = 2 * maxBits
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength)
  for (;;) {
    // Iterations that are safe for every stream: each consumes at most 2 × maxBits bits and
    // writes 2 symbols, so checking once per batch keeps the inner loop free of bounds tests.
    let n = Math.min(
      Math.floor((pA - fA) / perIter),
      Math.floor((pB - fB) / perIter),
      Math.floor((pC - fC) / perIter),
      Math.floor((pD - fD) / perIter),
      (eA - oA) >> 1,
      (eB - oB) >> 1,
      (eC - oC) >> 1,
      (eD - oD) >> 1,
    )
    if (n <= 0) break
    for (; n > 0; n--) {
    let b = (pA >>> 3) - 3
    let w = dv.getInt32(b, true)
    // Shift of the next maxBits-bit window inside w.
    let sh = pA - (b << 3) - maxBits
    let e = table[(w >>> sh) & mask] as number
    out[oA++] = e
    sh -= e >>> 8
    e = table[(w >>> sh) & mask] as number
    out[oA++] = e
    pA = (b << 3) + sh + maxBits - (e >>> 8)

    b = (pB >>> 3) - 3
    w = dv.getInt32(b, true)
    // Shift of the next maxBits-bit window inside w.
    sh = pB - (b << 3) - maxBits
    e = table[(w >>> sh) & mask] as number
    out[oB++] = e
    sh -= e >>> 8
    e = table[(w >>> sh) & mask] as number
    out[oB++] = e
    pB = (b << 3) + sh + maxBits - (e >>> 8)

    b = (pC >>> 3) - 3
    w = dv.getInt32(b, true)
    // Shift of the next maxBits-bit window inside w.
    sh = pC - (b << 3) - maxBits
    e = table[(w >>> sh) & mask] as number
    out[oC++] = e
    sh -= e >>> 8
    e = table[(w >>> sh) & mask] as number
    out[oC++] = e
    pC = (b << 3) + sh + maxBits - (e >>> 8)

    b = (pD >>> 3) - 3
    w = dv.getInt32(b, true)
    // Shift of the next maxBits-bit window inside w.
    sh = pD - (b << 3) - maxBits
    e = table[(w >>> sh) & mask] as number
    out[oD++] = e
    sh -= e >>> 8
    e = table[(w >>> sh) & mask] as number
    out[oD++] = e
    pD = (b << 3) + sh + maxBits - (e >>> 8)
    }
  }
  // Finish each stream on its own, from where the interleaved loop left it.
  huffmanTail(src, s1, pA, h, out, oA, o2)
  huffmanTail(src, s2, pB, h, out, oB, o3)
  huffmanTail(src, s3, pC, h, out, oC, o4)
  huffmanTail(src, s4, pD, h, out, oD, oEnd)
}

/** The rest of one stream that starts at byte `start`, with p bits (absolute) still unread. */
function huffmanTail(src: Uint8Array, start: number, p: number, h: Huffman, out: Uint8Array, o: number, oEnd: number): void {
  const { table, maxBits } = h
  const floor = start * 8
  const end = (p + 7) >>> 3
  while (o < oEnd) {
    const rel = p - floor
    let peek: number
    if (rel >= maxBits) peek = bitsAt(src, start, end + 1, rel - maxBits, maxBits)
    else peek = rel > 0 ? bitsAt(src, start, end + 1, 0, rel) << (maxBits - rel) : 0
    const e = table[peek] as number
    out[o++] = e
    p -= e >>> 8
    if (p < floor) zfail('Huffman stream over-read')
  }
  if (p !== floor) zfail('Huffman stream not fully consumed')
}

/** Decoder state that lives across the blocks of a frame. */
interface FrameState {
  huffman: Huffman | null
  ll: FseTable | null
  of: FseTable | null
  ml: FseTable | null
  rep1: number
  rep2: number
  rep3: number
}

let literalScratch = new Uint8Array(1 << 17)

function fseMode(src: Uint8Array, pos: number, end: number, mode: number, prev: FseTable | null, def: FseTable, maxSymbol: number, maxLog: number): [FseTable, number] {
  switch (mode) {
    case 0:
      return [def, 0]
    case 1:
      if (pos >= end) zfail('RLE sequence table runs past its block')
      if ((src[pos] as number) > maxSymbol) zfail('RLE sequence symbol out of range')
      return [rleFse(src[pos] as number), 1]
    case 2:
      return readFseTable(src, pos, end, maxSymbol, maxLog)
    default:
      if (!prev) zfail('repeated sequence table without a previous one')
      return [prev, 0]
  }
}

/** One compressed block src[pos, end) into out at o; returns the new output position. */
function compressedBlock(src: Uint8Array, pos: number, end: number, out: Uint8Array, o: number, oLimit: number, frameStart: number, st: FrameState): number {
  // Literals section header.
  const b0 = src[pos] as number
  const litType = b0 & 3
  const sizeFormat = (b0 >> 2) & 3
  let regen: number
  let compressed = 0
  let headerBytes: number
  let streams = 1
  if (litType < 2) {
    if (sizeFormat === 0 || sizeFormat === 2) {
      regen = b0 >> 3
      headerBytes = 1
    } else if (sizeFormat === 1) {
      regen = (b0 >> 4) + ((src[pos + 1] as number) << 4)
      headerBytes = 2
    } else {
      regen = (b0 >> 4) + ((src[pos + 1] as number) << 4) + ((src[pos + 2] as number) << 12)
      headerBytes = 3
    }
  } else {
    const b1 = src[pos + 1] as number
    const b2 = src[pos + 2] as number
    if (sizeFormat < 2) {
      streams = sizeFormat === 0 ? 1 : 4
      const v = b0 | (b1 << 8) | (b2 << 16)
      regen = (v >>> 4) & 0x3ff
      compressed = (v >>> 14) & 0x3ff
      headerBytes = 3
    } else if (sizeFormat === 2) {
      streams = 4
      const v = (b0 | (b1 << 8) | (b2 << 16) | ((src[pos + 3] as number) << 24)) >>> 0
      regen = (v >>> 4) & 0x3fff
      compressed = (v >>> 18) & 0x3fff
      headerBytes = 4
    } else {
      streams = 4
      const v = (b0 | (b1 << 8) | (b2 << 16) | ((src[pos + 3] as number) << 24)) >>> 0
      regen = (v >>> 4) & 0x3ffff
      compressed = (v >>> 22) + ((src[pos + 4] as number) << 10)
      headerBytes = 5
    }
  }
  const p = pos + headerBytes
  const litBytes = litType === 0 ? regen : litType === 1 ? 1 : compressed
  const seqStart = p + litBytes
  if (seqStart > end) zfail('literals run past their block')

  // Sequences section header: with no sequences the literals are the block, so decode them
  // straight into the output.
  let q = seqStart
  if (q >= end) zfail('block has no sequences section')
  const s0 = src[q++] as number
  let nbSeq: number
  if (s0 < 128) nbSeq = s0
  else if (s0 < 255) nbSeq = ((s0 - 128) << 8) + (src[q++] as number)
  else {
    nbSeq = (src[q] as number) + ((src[q + 1] as number) << 8) + 0x7f00
    q += 2
  }

  let lit: Uint8Array
  let litPos: number
  if (nbSeq === 0) {
    if (o + regen > oLimit) zfail('block larger than the output')
    lit = out
    litPos = o
  } else {
    if (literalScratch.length < regen) literalScratch = new Uint8Array(regen)
    lit = literalScratch
    litPos = 0
  }
  if (litType === 0) {
    lit.set(src.subarray(p, p + regen), litPos)
  } else if (litType === 1) {
    lit.fill(src[p] as number, litPos, litPos + regen)
  } else {
    let h: Huffman
    let streamStart = p
    if (litType === 2) {
      const [table, used] = readHuffman(src, p, seqStart)
      h = table
      st.huffman = table
      streamStart = p + used
    } else {
      if (!st.huffman) zfail('treeless literals without a previous tree')
      h = st.huffman
    }
    if (streams === 1) huffmanStream(src, streamStart, seqStart, h, lit, litPos, litPos + regen)
    else huffman4(src, streamStart, seqStart, h, lit, litPos, regen)
  }
  if (nbSeq === 0) {
    if (q !== end) zfail('bytes after a block without sequences')
    return o + regen
  }

  // Sequences.
  if (q >= end) zfail('sequences section too short')
  const modes = src[q++] as number
  if (modes & 3) zfail('reserved sequence mode bits set')
  let used: number
  ;[st.ll, used] = fseMode(src, q, end, modes >> 6, st.ll, LL_DEFAULT, 35, 9)
  q += used
  ;[st.of, used] = fseMode(src, q, end, (modes >> 4) & 3, st.of, OF_DEFAULT, 31, 8)
  q += used
  ;[st.ml, used] = fseMode(src, q, end, (modes >> 2) & 3, st.ml, ML_DEFAULT, 52, 9)
  q += used
  const ll = st.ll
  const of = st.of
  const ml = st.ml
  const bits = new BackBits(src, q, end)
  let sLL = bits.read(ll.log)
  let sOF = bits.read(of.log)
  let sML = bits.read(ml.log)
  let { rep1, rep2, rep3 } = st
  let lp = 0
  for (let i = 0; i < nbSeq; i++) {
    const ofCode = of.symbol[sOF] as number
    const mlCode = ml.symbol[sML] as number
    const llCode = ll.symbol[sLL] as number
    if (ofCode > 31) zfail('offset code out of range')
    const ofValue = 2 ** ofCode + bits.read(ofCode)
    const matchLength = (ML_BASE[mlCode] as number) + bits.read(ML_BITS[mlCode] as number)
    const litLength = (LL_BASE[llCode] as number) + bits.read(LL_BITS[llCode] as number)
    let offset: number
    if (ofValue > 3) {
      offset = ofValue - 3
      rep3 = rep2
      rep2 = rep1
      rep1 = offset
    } else {
      const idx = litLength === 0 ? ofValue + 1 : ofValue
      if (idx === 1) {
        offset = rep1
      } else if (idx === 2) {
        offset = rep2
        rep2 = rep1
        rep1 = offset
      } else if (idx === 3) {
        offset = rep3
        rep3 = rep2
        rep2 = rep1
        rep1 = offset
      } else {
        offset = rep1 - 1
        if (offset === 0) zfail('zero offset')
        rep3 = rep2
        rep2 = rep1
        rep1 = offset
      }
    }
    if (i + 1 < nbSeq) {
      sLL = (ll.base[sLL] as number) + bits.read(ll.bits[sLL] as number)
      sML = (ml.base[sML] as number) + bits.read(ml.bits[sML] as number)
      sOF = (of.base[sOF] as number) + bits.read(of.bits[sOF] as number)
    }
    if (lp + litLength > regen) zfail('sequence uses more literals than there are')
    if (o + litLength + matchLength > oLimit) zfail('sequence runs past the output')
    if (litLength > 0) {
      if (litLength > 16) out.set(lit.subarray(lp, lp + litLength), o)
      else for (let k = 0; k < litLength; k++) out[o + k] = lit[lp + k] as number
      o += litLength
      lp += litLength
    }
    const from = o - offset
    if (from < frameStart) zfail('match reaches before the frame')
    if (offset >= matchLength && matchLength > 32) {
      out.copyWithin(o, from, from + matchLength)
    } else {
      for (let k = 0; k < matchLength; k++) out[o + k] = out[from + k] as number
    }
    o += matchLength
  }
  if (bits.pos !== 0) zfail('sequence bitstream not fully consumed')
  st.rep1 = rep1
  st.rep2 = rep2
  st.rep3 = rep3
  const rest = regen - lp
  if (o + rest > oLimit) zfail('literals run past the output')
  out.set(lit.subarray(lp, regen), o)
  return o + rest
}

/**
 * Decompresses every frame of src into out, which must be exactly the decompressed size (a
 * Parquet page header gives it). Throws ZstdError on anything it can't or won't decode.
 */
export function zstdDecompressInto(src: Uint8Array, out: Uint8Array): void {
  let pos = 0
  let o = 0
  while (pos < src.length) {
    if (pos + 4 > src.length) zfail('truncated frame')
    const magic = ((src[pos] as number) | ((src[pos + 1] as number) << 8) | ((src[pos + 2] as number) << 16) | ((src[pos + 3] as number) << 24)) >>> 0
    pos += 4
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      const size = ((src[pos] as number) | ((src[pos + 1] as number) << 8) | ((src[pos + 2] as number) << 16) | ((src[pos + 3] as number) << 24)) >>> 0
      pos += 4 + size
      continue
    }
    if (magic !== 0xfd2fb528) zfail('not a zstd frame')
    const fhd = src[pos++] as number
    const fcsFlag = fhd >> 6
    const singleSegment = (fhd >> 5) & 1
    if (fhd & 8) zfail('reserved frame header bit set')
    const checksum = (fhd >> 2) & 1
    const dictFlag = fhd & 3
    if (!singleSegment) pos++ // window descriptor: the whole output is addressable anyway
    const dictBytes = dictFlag === 3 ? 4 : dictFlag
    let dictId = 0
    for (let i = 0; i < dictBytes; i++) dictId += (src[pos + i] as number) * 2 ** (8 * i)
    if (dictId !== 0) zfail('dictionaries are not supported')
    pos += dictBytes
    const fcsBytes = fcsFlag === 0 ? singleSegment : fcsFlag === 1 ? 2 : fcsFlag === 2 ? 4 : 8
    let contentSize = -1
    if (fcsBytes > 0) {
      contentSize = 0
      for (let i = 0; i < fcsBytes; i++) contentSize += (src[pos + i] as number) * 2 ** (8 * i)
      if (fcsBytes === 2) contentSize += 256
    }
    pos += fcsBytes
    const frameStart = o
    const st: FrameState = { huffman: null, ll: null, of: null, ml: null, rep1: 1, rep2: 4, rep3: 8 }
    for (;;) {
      if (pos + 3 > src.length) zfail('truncated block header')
      const bh = (src[pos] as number) | ((src[pos + 1] as number) << 8) | ((src[pos + 2] as number) << 16)
      pos += 3
      const last = bh & 1
      const type = (bh >> 1) & 3
      const size = bh >>> 3
      if (type === 0) {
        if (pos + size > src.length || o + size > out.length) zfail('raw block out of bounds')
        out.set(src.subarray(pos, pos + size), o)
        o += size
        pos += size
      } else if (type === 1) {
        if (pos >= src.length || o + size > out.length) zfail('RLE block out of bounds')
        out.fill(src[pos] as number, o, o + size)
        o += size
        pos += 1
      } else if (type === 2) {
        if (pos + size > src.length) zfail('compressed block out of bounds')
        o = compressedBlock(src, pos, pos + size, out, o, out.length, frameStart, st)
        pos += size
      } else {
        zfail('reserved block type')
      }
      if (last) break
    }
    if (checksum) pos += 4
    if (contentSize >= 0 && o - frameStart !== contentSize) zfail('frame size differs from its header')
  }
  if (o !== out.length) zfail('decompressed size differs from the page header')
}
