// The embed link's own parameters (not part of the search, kept by url-sync.ts's KEPT_PARAMS):
//   embed=1                        show the compact embed chrome (app/ui/EmbedLayout.tsx)
//   allow=<origin>[,<origin>…]     the host sites that may command the embed and receive its
//                                  events (app/services/flows/embed-bridge.ts); none: read-only
// An origin is `https://host[:port]`, or `http://` for a loopback host only (localhost,
// *.localhost, 127.0.0.1, [::1]) so that a site can be tried on a developer's machine. Nothing
// else: no path, query, fragment, user or password, no wildcard, no `*`, no `null`.
// Everything here comes from a URL someone else wrote: it is validated, and what is dropped is
// said in `problems`.

/** The embed link's own parameters: not part of the search, never in a share link. */
export const EMBED_PARAMS = ['embed', 'allow'] as const

/** At most this many origins in one `allow` (a host site rarely has more than one or two). */
export const MAX_ALLOWED_ORIGINS = 8
/** The longest origin accepted (a host name is at most 253 characters). */
export const MAX_ORIGIN_LENGTH = 300

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost')
}

/**
 * The origin a person typed, in canonical form (`https://example.org`, `http://localhost:8080`),
 * or null with why not. A trailing slash is forgiven; anything more than an origin is not.
 */
export function parseOrigin(input: string): { origin: string } | { error: string } {
  const text = input.trim()
  if (text === '') return { error: 'An origin is empty.' }
  if (text.length > MAX_ORIGIN_LENGTH) return { error: 'An origin is too long.' }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { error: `“${shorten(text)}” is not an origin like https://example.org.` }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `“${shorten(text)}” is not an https:// origin.` }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { error: `“${shorten(text)}” must use https:// (plain http:// is only for localhost).` }
  }
  if (url.username || url.password) return { error: `“${shorten(text)}” must not hold a user name or password.` }
  if (url.pathname !== '/' || /[?#]/.test(text)) {
    return { error: `“${shorten(text)}” has more than an origin: leave out the path (keep https://host or https://host:port).` }
  }
  if (!url.hostname || url.hostname.includes('*')) return { error: `“${shorten(text)}” is not an origin like https://example.org.` }
  return { origin: url.origin }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

export interface ParsedOrigins {
  /** Canonical origins, in order, without duplicates. */
  origins: string[]
  /** What was dropped and why, one sentence each. */
  problems: string[]
}

/** A list of origins separated by commas, spaces or new lines (the `allow` parameter, or the dialog's field). */
export function parseOriginList(value: string): ParsedOrigins {
  const origins: string[] = []
  const problems: string[] = []
  for (const part of value.split(/[\s,]+/)) {
    if (part === '') continue
    const parsed = parseOrigin(part)
    if ('error' in parsed) problems.push(parsed.error)
    else if (!origins.includes(parsed.origin)) {
      if (origins.length >= MAX_ALLOWED_ORIGINS) {
        problems.push(`At most ${MAX_ALLOWED_ORIGINS} origins may be allowed; the rest were ignored.`)
        break
      }
      origins.push(parsed.origin)
    }
  }
  return { origins, problems }
}

export interface EmbedConfig {
  /** The page is shown as an embed (`embed=1`). */
  embed: boolean
  /** Origins that may command the embed and receive its events; empty: read-only, no events. */
  allowed: string[]
  problems: string[]
}

/** The embed parameters of a page's query string. Only `embed=1` (or `true`) turns embed mode on. */
export function readEmbedConfig(search: string): EmbedConfig {
  // The link codec caps what it reads; the same cap keeps a huge query from costing anything here.
  const params = new URLSearchParams(search.slice(0, 200_000))
  const flag = params.get('embed')
  const embed = flag === '1' || flag === 'true'
  if (!embed) return { embed: false, allowed: [], problems: [] }
  const { origins, problems } = parseOriginList(params.getAll('allow').join(','))
  return { embed, allowed: origins, problems }
}

/** A query string without the embed parameters: the same search, for the full app. */
export function withoutEmbedParams(search: string): string {
  const params = new URLSearchParams(search)
  if (!EMBED_PARAMS.some((key) => params.has(key))) return search
  // Rebuilt by hand so that the search's own parameters keep their exact spelling (the codec
  // writes `,` and `(` unencoded; URLSearchParams would encode them).
  const kept = (search.startsWith('?') ? search.slice(1) : search).split('&').filter((part) => {
    if (part === '') return false
    const key = part.split('=', 1)[0]!
    return !(EMBED_PARAMS as readonly string[]).includes(key)
  })
  return kept.length > 0 ? `?${kept.join('&')}` : ''
}

/** A query string with the embed parameters set: `embed=1`, then `allow` when there are origins. */
export function withEmbedParams(search: string, allowed: readonly string[]): string {
  const base = withoutEmbedParams(search)
  const extra = `embed=1${allowed.length > 0 ? `&allow=${allowed.map(encodeURIComponent).join(',')}` : ''}`
  return base ? `${base}&${extra}` : `?${extra}`
}
