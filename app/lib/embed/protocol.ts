// The embed's postMessage protocol (docs/embed.md is the reference for host sites).
//
// Every message, both ways, is a plain object `{ source: 'chipfinder', version: 1, type, … }`.
//   Events, embed → host: ready, results, selection; and the answers ack / error, which carry
//   the `id` of the command they answer.
//   Commands, host → embed: setDataset { url }, setExamples { positives, negatives },
//   setThreshold { value }, flyTo { lon, lat, zoom? } | { bbox }, getState {} (ready, results
//   and selection again, for a host that listened late); each with an optional `id`
//   (a string of up to 64 characters, or a number) that its answer repeats.
// Messages come from other sites: parseCommand checks every field by hand (types, ranges, the
// size caps links have too), reads only the object's own properties, copies what it keeps into new
// objects, and ignores fields it doesn't know. Nothing from a message is ever run or rendered as
// HTML. Who may send commands at all is app/services/flows/embed-bridge.ts's job.

import type { BBox } from '../bbox.ts'
import { CHIP_ID_MAX_LENGTH, isChipId, isOpenableUrl, MAX_EXAMPLES, MAX_URL_LENGTH } from '../vocabulary.ts'

export const EMBED_SOURCE = 'chipfinder'
export const EMBED_PROTOCOL_VERSION = 1

export const EMBED_LIMITS = {
  /** Longest command id. */
  idLength: 64,
  /** Longest chip id, and most examples of each kind: the same as links (vocabulary.ts). */
  chipIdLength: CHIP_ID_MAX_LENGTH,
  examples: MAX_EXAMPLES,
  /** Longest dataset URL: the same as links. */
  urlLength: MAX_URL_LENGTH,
  /** Results listed in a `results` event. */
  topResults: 20,
} as const

export const COMMAND_TYPES = ['setDataset', 'setExamples', 'setThreshold', 'flyTo', 'getState'] as const
export type CommandType = (typeof COMMAND_TYPES)[number]

export const EVENT_TYPES = ['ready', 'results', 'selection', 'ack', 'error'] as const
export type EventType = (typeof EVENT_TYPES)[number]

export type CommandId = string | number | null

export type EmbedCommand =
  | { type: 'setDataset'; url: string | null }
  | { type: 'setExamples'; positives: string[]; negatives: string[] }
  | { type: 'setThreshold'; value: number | null }
  | { type: 'flyTo'; lon: number; lat: number; zoom: number | null }
  | { type: 'flyTo'; bbox: BBox }
  | { type: 'getState' }

export type ParsedCommand =
  | { ok: true; id: CommandId; command: EmbedCommand }
  | { ok: false; id: CommandId; command: CommandType | null; error: string }

/** One result as a `results` event lists it. */
export interface EmbedResult {
  id: string
  score: number
  /** 1 for the best chip. */
  rank: number
}

export type EmbedEvent =
  | { type: 'ready'; dataset: string | null; commands: readonly CommandType[] }
  | {
      type: 'results'
      /** The dataset's URL; null for the built-in demo. */
      dataset: string | null
      /** The dataset as the embed names it ("417 chips · Clay v0 · …"), null before it loads. */
      label: string | null
      /** Chips ranked (0 when there is no ranking: no positive example yet). */
      count: number
      /** Chips scoring at or above the threshold (all ranked chips without one). */
      above: number
      threshold: number | null
      method: string
      /** The best chips at or above the threshold, best first, at most EMBED_LIMITS.topResults. */
      top: EmbedResult[]
    }
  | { type: 'selection'; positives: string[]; negatives: string[]; areas: number; chosen: string | null }
  | { type: 'ack'; id: CommandId; command: CommandType }
  | { type: 'error'; id: CommandId; command: CommandType | null; message: string }

export type EmbedMessage = EmbedEvent & { source: typeof EMBED_SOURCE; version: typeof EMBED_PROTOCOL_VERSION }

/** An event as it is posted: the envelope and the event's fields. */
export function buildMessage(event: EmbedEvent): EmbedMessage {
  return { source: EMBED_SOURCE, version: EMBED_PROTOCOL_VERSION, ...event }
}

/** The answer to a parsed command: an ack, or the error that stopped it. */
export function answerTo(parsed: ParsedCommand, failure?: string): EmbedMessage {
  if (parsed.ok && failure === undefined) return buildMessage({ type: 'ack', id: parsed.id, command: parsed.command.type })
  const command = parsed.ok ? parsed.command.type : parsed.command
  return buildMessage({ type: 'error', id: parsed.id, command, message: failure ?? (parsed.ok ? 'Failed.' : parsed.error) })
}

type Plain = Record<string, unknown>

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An own property only: `__proto__`, `constructor` and anything inherited read as absent. */
function own(obj: Plain, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined
}

class Invalid extends Error {}

function readId(value: unknown): CommandId {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' && value.length <= EMBED_LIMITS.idLength) return value
  if (typeof value === 'number' && Number.isFinite(value)) return value
  throw new Invalid(`A command's id must be a string of up to ${EMBED_LIMITS.idLength} characters or a number.`)
}

function finiteIn(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Invalid(`${name} must be a number.`)
  if (value < min || value > max) throw new Invalid(`${name} must be between ${min} and ${max}.`)
  return value
}

function readIds(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new Invalid(`${name} must be a list of chip ids.`)
  // Checked before anything is read: a huge list costs nothing.
  if (value.length > EMBED_LIMITS.examples) throw new Invalid(`${name} has more than ${EMBED_LIMITS.examples} chip ids.`)
  const ids: string[] = []
  for (let i = 0; i < value.length; i++) {
    const id: unknown = value[i]
    if (typeof id !== 'string' || !isChipId(id, EMBED_LIMITS.chipIdLength)) {
      throw new Invalid(`${name} must hold chip ids: strings of 1 to ${EMBED_LIMITS.chipIdLength} characters, without control characters.`)
    }
    if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

function readCommand(type: CommandType, msg: Plain): EmbedCommand {
  switch (type) {
    case 'setDataset': {
      const url = own(msg, 'url')
      if (url === null) return { type, url: null }
      if (typeof url !== 'string' || url.length > EMBED_LIMITS.urlLength || !isOpenableUrl(url)) {
        throw new Invalid(`url must be an http(s) link of up to ${EMBED_LIMITS.urlLength} characters (or null for the demo).`)
      }
      return { type, url }
    }
    case 'setExamples': {
      if (own(msg, 'positives') === undefined && own(msg, 'negatives') === undefined) throw new Invalid('setExamples needs positives or negatives.')
      const positives = readIds(own(msg, 'positives'), 'positives')
      const negatives = readIds(own(msg, 'negatives'), 'negatives')
      const both = positives.find((id) => negatives.includes(id))
      if (both !== undefined) throw new Invalid('A chip can’t be both a positive and a negative example.')
      return { type, positives, negatives }
    }
    case 'setThreshold': {
      const value = own(msg, 'value')
      if (value === null) return { type, value: null }
      return { type, value: finiteIn(value, 'value', -1, 1) }
    }
    case 'flyTo': {
      const bbox = own(msg, 'bbox')
      if (bbox !== undefined) {
        if (!Array.isArray(bbox) || bbox.length !== 4) throw new Invalid('bbox must be [west, south, east, north].')
        const w = finiteIn(bbox[0], 'west', -180, 180)
        const s = finiteIn(bbox[1], 'south', -90, 90)
        const e = finiteIn(bbox[2], 'east', -180, 180)
        const n = finiteIn(bbox[3], 'north', -90, 90)
        if (w > e || s > n) throw new Invalid('bbox must be [west, south, east, north], west ≤ east and south ≤ north.')
        return { type, bbox: [w, s, e, n] }
      }
      const lon = finiteIn(own(msg, 'lon'), 'lon', -180, 180)
      const lat = finiteIn(own(msg, 'lat'), 'lat', -90, 90)
      const zoom = own(msg, 'zoom')
      return { type, lon, lat, zoom: zoom === undefined || zoom === null ? null : finiteIn(zoom, 'zoom', 0, 22) }
    }
    case 'getState':
      return { type }
  }
}

/**
 * A message from a host read as a command. null: not for us (not an object, another source,
 * or one of our own event types echoed back), to be ignored without an answer. Otherwise the
 * command, or why it can't be carried out (answered with an error).
 */
export function parseCommand(data: unknown): ParsedCommand | null {
  if (!isPlainObject(data) || own(data, 'source') !== EMBED_SOURCE) return null
  const type = own(data, 'type')
  if (typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type)) return null
  let id: CommandId = null
  let command: CommandType | null = null
  try {
    id = readId(own(data, 'id'))
    if (own(data, 'version') !== EMBED_PROTOCOL_VERSION) throw new Invalid(`Only version ${EMBED_PROTOCOL_VERSION} of the protocol is understood.`)
    if (typeof type !== 'string' || !(COMMAND_TYPES as readonly string[]).includes(type)) {
      throw new Invalid(`Unknown command; the commands are ${COMMAND_TYPES.join(', ')}.`)
    }
    command = type as CommandType
    return { ok: true, id, command: readCommand(command, data) }
  } catch (error) {
    if (!(error instanceof Invalid)) throw error
    return { ok: false, id, command, error: error.message }
  }
}
