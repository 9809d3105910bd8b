// <chipfinder-search>: a Chipfinder search in another site, as one element (docs/embed.md).
//
//   <script type="module" src="https://<app>/chipfinder-embed.js"></script>
//   <chipfinder-search src="https://<app>/?positive=…" width="100%" height="480"
//                      allow-origin="https://your-site.example"></chipfinder-search>
//
// Attributes (read when the element is connected and whenever they change):
//   src           a Chipfinder link (the address of a search); default: the app this script came from
//   dataset, positives, negatives, threshold
//                 the search itself, instead of or on top of src (positives and negatives are
//                 comma-separated chip ids)
//   width, height the frame's size (pixels or a percentage; default 100% × 480)
//   allow-origin  the origins (space- or comma-separated) that may command the embed and receive
//                 its events; normally this page's own origin. Without it the embed is read-only and
//                 sends no events.
//   title         the frame's accessible title
// Events (CustomEvents on the element; `event.detail` is the embed's message):
//   chipfinder-ready, chipfinder-results, chipfinder-selection
// Methods (each returns a Promise that resolves with the embed's ack, or rejects with its error):
//   setDataset(url), setExamples(positives, negatives), setThreshold(value), flyTo({ lon, lat, zoom } | { bbox }),
//   getState() (the embed sends ready, results and selection again)
//
// Plain JavaScript with no imports, served as it is: it runs in the host page, not in the app.
// Messages are accepted only from the element's own frame and the app's origin; commands are
// posted to the app's origin only, never '*'.

const SOURCE = 'chipfinder'
const VERSION = 1
const EVENTS = new Set(['ready', 'results', 'selection'])
const COMMAND_TIMEOUT_MS = 15_000
const DEFAULT_APP = new URL('./', import.meta.url).href

/** A size attribute as the frame takes it: pixels or a percentage, else the default. */
function dimension(value, fallback) {
  const text = String(value ?? '').trim()
  if (/^\d{1,4}(px)?$/.test(text)) return text.replace(/px$/, '')
  if (/^\d{1,3}%$/.test(text)) return text
  return fallback
}

class ChipfinderSearch extends HTMLElement {
  static observedAttributes = ['src', 'dataset', 'positives', 'negatives', 'threshold', 'width', 'height', 'allow-origin', 'title']

  #frame = null
  #appOrigin = null
  #pending = new Map()
  #nextId = 1
  #onMessage = (event) => this.#receive(event)

  connectedCallback() {
    window.addEventListener('message', this.#onMessage)
    this.#render()
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.#onMessage)
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer)
      reject(new Error('The embed was removed from the page.'))
    }
    this.#pending.clear()
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#render()
  }

  /** The frame's address: the link, the search attributes, embed=1 and the allowed origins. */
  #address() {
    const url = new URL(this.getAttribute('src') || DEFAULT_APP, document.baseURI)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('<chipfinder-search>: src must be an http(s) link.')
    const params = url.searchParams
    const set = (name, attribute) => {
      const value = this.getAttribute(attribute)
      if (value !== null && value !== '') params.set(name, value)
    }
    set('dataset', 'dataset')
    set('positive', 'positives')
    set('negative', 'negatives')
    set('threshold', 'threshold')
    params.set('embed', '1')
    params.delete('allow')
    const allow = (this.getAttribute('allow-origin') ?? '').split(/[\s,]+/).filter(Boolean)
    if (allow.length > 0) params.set('allow', allow.join(','))
    return url
  }

  #render() {
    let url
    try {
      url = this.#address()
    } catch (error) {
      this.textContent = error instanceof Error ? error.message : String(error)
      return
    }
    if (!this.#frame) {
      this.#frame = document.createElement('iframe')
      this.#frame.loading = 'lazy'
      this.#frame.allow = 'clipboard-write'
      this.#frame.style.border = '0'
      this.#frame.style.display = 'block'
      this.replaceChildren(this.#frame)
    }
    this.#frame.title = this.getAttribute('title') || 'Chipfinder: places that look alike'
    this.#frame.width = dimension(this.getAttribute('width'), '100%')
    this.#frame.height = dimension(this.getAttribute('height'), '480')
    this.#appOrigin = url.origin
    if (this.#frame.src !== url.href) this.#frame.src = url.href
  }

  #receive(event) {
    if (!this.#frame || event.source !== this.#frame.contentWindow || event.origin !== this.#appOrigin) return
    const data = event.data
    if (typeof data !== 'object' || data === null || data.source !== SOURCE || data.version !== VERSION) return
    if (data.type === 'ack' || data.type === 'error') {
      const waiting = this.#pending.get(data.id)
      if (!waiting) return
      this.#pending.delete(data.id)
      clearTimeout(waiting.timer)
      if (data.type === 'ack') waiting.resolve(data)
      else waiting.reject(Object.assign(new Error(String(data.message)), { detail: data }))
      return
    }
    if (EVENTS.has(data.type)) this.dispatchEvent(new CustomEvent(`chipfinder-${data.type}`, { detail: data }))
  }

  #send(type, fields) {
    const target = this.#frame?.contentWindow
    if (!target || !this.#appOrigin) return Promise.reject(new Error('The embed is not on the page.'))
    const id = `c${this.#nextId++}`
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new Error(`No answer to ${type}: is this page's origin in allow-origin?`))
      }, COMMAND_TIMEOUT_MS)
      this.#pending.set(id, { resolve, reject, timer })
      target.postMessage({ source: SOURCE, version: VERSION, type, id, ...fields }, this.#appOrigin)
    })
  }

  setDataset(url) {
    return this.#send('setDataset', { url })
  }

  setExamples(positives = [], negatives = []) {
    return this.#send('setExamples', { positives, negatives })
  }

  setThreshold(value) {
    return this.#send('setThreshold', { value })
  }

  flyTo(target) {
    return this.#send('flyTo', target?.bbox ? { bbox: target.bbox } : { lon: target?.lon, lat: target?.lat, zoom: target?.zoom })
  }

  getState() {
    return this.#send('getState', {})
  }
}

if (!customElements.get('chipfinder-search')) customElements.define('chipfinder-search', ChipfinderSearch)
