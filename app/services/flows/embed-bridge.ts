// The embed's side of the postMessage API (app/lib/embed/protocol.ts, docs/embed.md): commands
// from the host site into the store, the store's changes out to the host as events.
//
// Security model: the embed link's `allow` parameter lists the host origins (app/lib/embed/
// origins.ts). A message is a command only if it comes from the window that frames this page
// (`event.source === window.parent`) and from an allowed origin (`event.origin`); anything else
// is ignored without an answer. Events are posted to the parent with an explicit targetOrigin,
// one of the allowed origins, never '*': the parent's origin as the browser reports it
// (location.ancestorOrigins, else document.referrer) when it is allowed, else the origin of the
// first accepted command. The browser itself drops a message whose targetOrigin isn't the
// parent's real origin. With no allowed origin the bridge isn't started at all: no listener,
// nothing posted, not even `ready`.

import { buildMessage, answerTo, EMBED_LIMITS, COMMAND_TYPES, parseCommand, type EmbedCommand, type EmbedEvent, type EmbedMessage } from '../../lib/embed/protocol.ts'
import { rankedRows } from '../../lib/export.ts'
import { debounced } from '../../lib/debounce.ts'
import { countAtOrAbove } from '../../lib/histogram.ts'
import { lossKeep } from '../../lib/chip-filter.ts'
import { datasetLabel } from '../../lib/format.ts'
import { useAppStore, type AppState } from '../../state/store.ts'
import { currentRanking, type Registry } from '../resources/registry.ts'
import type { MapHandle } from '../resources/map-handle.ts'
import type { EmbedConfig } from '../../lib/embed/origins.ts'

/** Changes come in bursts (a slider drag, a ranking after each loaded file): one event per burst. */
const EVENT_DELAY_MS = 100

/** What a message event carries that the bridge looks at. */
export interface IncomingMessage {
  data: unknown
  origin: string
  source: unknown
}

export interface BridgeDeps {
  registry: Registry
  /** Origins allowed to command the embed and receive its events (validated). */
  allowed: readonly string[]
  /** The window that frames the page; null when the page isn't framed. */
  parent: { postMessage(message: unknown, targetOrigin: string): void } | null
  /** The parent's origin as the browser reports it, when it does. */
  parentOrigin: string | null
  /** Start listening for messages; answers a function that stops. */
  listen(handler: (event: IncomingMessage) => void): () => void
  /** Move the map's camera to a point; answers why not, when it can't. */
  flyTo(lon: number, lat: number, zoom: number | null): string | null
}

/** The `results` event for the store's state and the registry's ranking. */
export function resultsEvent(registry: Registry, s: AppState): EmbedEvent {
  const chips = registry.chips
  const ranking = currentRanking(registry)
  const keep = lossKeep(chips, s.lossFilter)
  const top =
    chips && ranking
      ? rankedRows(ranking.top, ranking.scores, s.threshold, EMBED_LIMITS.topResults, keep).map(({ row, rank, score }) => ({ id: chips.id(row), score, rank }))
      : []
  return {
    type: 'results',
    dataset: s.datasetUrl,
    label: s.summary ? datasetLabel(s.summary) : null,
    count: ranking ? ranking.scores.length : 0,
    above: ranking ? countAtOrAbove(ranking.scores, s.threshold, keep) : 0,
    threshold: s.threshold,
    method: s.method,
    top,
  }
}

function selectionEvent(s: AppState, chosen: string | null): EmbedEvent {
  return { type: 'selection', positives: s.positives, negatives: s.negatives, areas: s.areas.length, chosen }
}

/** Carry out a valid command; answers why it failed, or null. */
function execute(command: EmbedCommand, deps: BridgeDeps): string | null {
  const s = useAppStore.getState()
  switch (command.type) {
    case 'setDataset':
      s.setDatasetUrl(command.url)
      return null
    case 'setExamples':
      s.setExamples(command.positives, command.negatives)
      return null
    case 'setThreshold':
      s.setThreshold(command.value)
      return null
    case 'flyTo':
      if ('bbox' in command) {
        s.fitTo(command.bbox)
        return null
      }
      return deps.flyTo(command.lon, command.lat, command.zoom)
    case 'getState':
      // Answered by the bridge itself, after the ack (createEmbedBridge).
      return null
  }
}

/** Start the bridge; answers a function that stops it. */
export function createEmbedBridge(deps: BridgeDeps): () => void {
  const { allowed, parent, registry } = deps
  if (allowed.length === 0 || parent === null) return () => {}
  let target = deps.parentOrigin !== null && allowed.includes(deps.parentOrigin) ? deps.parentOrigin : null
  let lastResults = ''

  const post = (message: EmbedMessage, origin: string) => parent.postMessage(message, origin)
  /** Post an event to the host; `results` only when they differ from the last ones posted, unless asked again. */
  const send = (event: EmbedEvent, again = false) => {
    if (target === null) return
    if (event.type === 'results') {
      const text = JSON.stringify(event)
      if (lastResults === text && !again) return
      lastResults = text
    }
    post(buildMessage(event), target)
  }
  const announce = (again = false) => {
    send({ type: 'ready', dataset: useAppStore.getState().datasetUrl, commands: COMMAND_TYPES })
    const s = useAppStore.getState()
    if (currentRanking(registry)) send(resultsEvent(registry, s), again)
    if (again) send(selectionEvent(s, null))
  }

  let chosen: string | null = null
  const results = debounced(() => send(resultsEvent(registry, useAppStore.getState())), EVENT_DELAY_MS)
  const selection = debounced(() => send(selectionEvent(useAppStore.getState(), chosen)), EVENT_DELAY_MS)
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (
      s.rankingVersion !== prev.rankingVersion ||
      s.datasetVersion !== prev.datasetVersion ||
      s.threshold !== prev.threshold ||
      s.lossFilter !== prev.lossFilter
    ) {
      results.schedule()
    }
    const focused = s.focus !== prev.focus && s.focus !== null && registry.chips && s.focus.row < registry.chips.count ? registry.chips.id(s.focus.row) : null
    if (s.positives !== prev.positives || s.negatives !== prev.negatives || s.areas !== prev.areas || focused !== null) {
      chosen = focused
      selection.schedule()
    }
  })

  const stopListening = deps.listen((event) => {
    if (event.source !== parent || !allowed.includes(event.origin)) return
    const parsed = parseCommand(event.data)
    if (parsed === null) return
    if (target === null) {
      target = event.origin
      announce()
    }
    const failure = parsed.ok ? execute(parsed.command, deps) : undefined
    post(answerTo(parsed, failure ?? undefined), event.origin)
    if (parsed.ok && parsed.command.type === 'getState') announce(true)
  })

  announce()
  return () => {
    unsubscribe()
    stopListening()
    results.cancel()
    selection.cancel()
  }
}

/** The parent's origin, as far as the browser says: ancestorOrigins (Chromium, Safari), else the referrer. */
function reportedParentOrigin(): string | null {
  const ancestors = window.location.ancestorOrigins
  if (ancestors && ancestors.length > 0) return ancestors[0] ?? null
  try {
    return document.referrer ? new URL(document.referrer).origin : null
  } catch {
    return null
  }
}

function prefersReducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false
}

/** In embed mode with allowed origins, answer the host page's commands and tell it what changes. */
export function startEmbedBridge({ config, registry, mapHandle }: { config: EmbedConfig; registry: Registry; mapHandle: MapHandle }): () => void {
  if (!config.embed || window.parent === window) return () => {}
  // For whoever wrote the embed HTML by hand; the Embed dialog never writes a bad origin.
  if (config.problems.length > 0) console.warn(`Chipfinder embed: part of allow was ignored. ${config.problems.join(' ')}`)
  return createEmbedBridge({
    registry,
    allowed: config.allowed,
    parent: window.parent,
    parentOrigin: reportedParentOrigin(),
    listen(handler) {
      const onMessage = (event: MessageEvent) => handler(event)
      window.addEventListener('message', onMessage)
      return () => window.removeEventListener('message', onMessage)
    },
    flyTo(lon, lat, zoom) {
      const map = mapHandle.current()
      if (!map) return 'The map is not ready yet.'
      const options = { center: [lon, lat] as [number, number], zoom: zoom ?? map.getZoom() }
      if (prefersReducedMotion()) map.jumpTo(options)
      else map.flyTo({ ...options, essential: false })
      return null
    },
  })
}
