// The autosaved session (app/services/flows/autosave.ts): the search as its link encodes it (the URL
// codec, app/lib/url-state.ts, validates it again on the way back), the local file's name when
// the search was on one, and the examples from a labels file with their vectors (the labels-file
// format, validated as strictly as a file a person picks). Stored as JSON text.

import { parseLabelsFile } from './labels-file.ts'

export const SESSION_FORMAT = 'chipfinder-session'
export const SESSION_VERSION = 1
/** Largest stored session read back (bytes of text). */
export const SESSION_MAX_CHARS = 25_000_000

export interface SessionSnapshot {
  savedAt: string
  /** The search's link: query string and fragment (url-state.ts encodeUrlParts). */
  link: { search: string; hash: string }
  /** Name of the file from the person's computer the search was on; null otherwise. */
  localFileName: string | null
  /** The examples from a labels file, as a labels file (labels-file.ts); null when there are none. */
  fileExamples: string | null
}

export function encodeSession(s: SessionSnapshot): string {
  return JSON.stringify({ format: SESSION_FORMAT, version: SESSION_VERSION, ...s })
}

export type ParsedSession = { ok: true; session: SessionSnapshot } | { ok: false; reason: string }

/** Read a stored session back; anything foreign or broken is refused (the caller says so and starts fresh). */
export function parseSession(text: unknown): ParsedSession {
  if (typeof text !== 'string' || text.length > SESSION_MAX_CHARS) return { ok: false, reason: 'not text of a sensible size' }
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'not JSON' }
  }
  if (typeof v !== 'object' || v === null) return { ok: false, reason: 'not an object' }
  const o = v as Record<string, unknown>
  if (o['format'] !== SESSION_FORMAT) return { ok: false, reason: 'another format' }
  if (o['version'] !== SESSION_VERSION) return { ok: false, reason: `version ${String(o['version']).slice(0, 20)}` }
  const link = o['link'] as Record<string, unknown> | null
  if (typeof link !== 'object' || link === null || typeof link['search'] !== 'string' || typeof link['hash'] !== 'string') return { ok: false, reason: 'no link' }
  if (link['search'] !== '' && !link['search'].startsWith('?')) return { ok: false, reason: 'a broken link' }
  if (link['hash'] !== '' && !link['hash'].startsWith('#')) return { ok: false, reason: 'a broken link' }
  const local = o['localFileName']
  if (local !== null && (typeof local !== 'string' || local.length === 0 || local.length > 500)) return { ok: false, reason: 'a broken file name' }
  const fileExamples = o['fileExamples']
  if (fileExamples !== null) {
    if (typeof fileExamples !== 'string') return { ok: false, reason: 'broken examples from a file' }
    const parsed = parseLabelsFile(fileExamples)
    if (!parsed.ok) return { ok: false, reason: `examples from a file: ${parsed.message}` }
  }
  const savedAt = typeof o['savedAt'] === 'string' && o['savedAt'].length <= 40 ? o['savedAt'] : ''
  return { ok: true, session: { savedAt, link: { search: link['search'], hash: link['hash'] }, localFileName: local as string | null, fileExamples: fileExamples as string | null } }
}

/** Whether an address carries a search of its own (then the link wins over a saved session). */
export function addressHasSearch(search: string, hash: string, pageParams: readonly string[]): boolean {
  const params = new URLSearchParams(search)
  for (const key of params.keys()) if (!pageParams.includes(key)) return true
  return hash === '#s' || hash.startsWith('#s&')
}
