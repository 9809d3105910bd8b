import { useEffect, useMemo, useRef, useState } from 'react'
import { planThumbnail, ringToCanvas, type ThumbnailPlan } from '../lib/thumbnail.ts'
import { useServices } from '../services/context.ts'
import { NEUTRAL_FILL, type Thumbnail as Picture } from '../services/resources/thumbnails.ts'
import type { ImageryChoice } from './imagery.ts'

type State = { kind: 'waiting' } | Picture | { kind: 'failed'; plan: ThumbnailPlan; reason: string; detail: string }

/** True once the element has come near the visible part of the page (then stays true). */
function useSeen(ref: React.RefObject<Element | null>): boolean {
  const [seen, setSeen] = useState(() => typeof IntersectionObserver !== 'function')
  useEffect(() => {
    const el = ref.current
    if (!el || seen) return
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: '150px' })
    observer.observe(el)
    return () => observer.disconnect()
  }, [ref, seen])
  return seen
}

function draw(canvas: HTMLCanvasElement, state: State, ring: readonly (readonly [number, number])[], plan: ThumbnailPlan): void {
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  ctx.clearRect(0, 0, canvas.width, canvas.height)
  const picture = state.kind === 'image'
  if (picture) ctx.drawImage(state.image, 0, 0)
  else {
    ctx.fillStyle = NEUTRAL_FILL
    ctx.fillRect(0, 0, canvas.width, canvas.height)
  }
  // The footprint itself: faint over a picture, plain on the placeholder.
  const pts = ringToCanvas(ring, plan)
  if (pts.length < 2) return
  ctx.beginPath()
  pts.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)))
  ctx.closePath()
  ctx.lineWidth = Math.max(1, canvas.width / 96)
  ctx.strokeStyle = picture ? 'rgb(255 255 255 / 0.45)' : 'rgb(200 210 225 / 0.9)'
  ctx.stroke()
}

/**
 * A chip's picture, cut from the imagery for its footprint, loaded once it scrolls into view.
 * Without imagery (none chosen, or the server failing) it shows the chip's outline and says why.
 */
export function Thumbnail({ ring, imagery, label }: { ring: readonly (readonly [number, number])[]; imagery: ImageryChoice; label: string }) {
  const box = useRef<HTMLDivElement>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const seen = useSeen(box)
  const source = imagery.source
  const loader = useServices().thumbnails
  const plan = useMemo(() => (source ? loader.plan(ring, source) : planThumbnail(ring, { maxZoom: 22 })), [loader, ring, source])
  // The picture last loaded, with what it was loaded for.
  const [loaded, setLoaded] = useState<{ ring: typeof ring; source: typeof source; picture: Picture } | null>(null)
  const cached = source ? loader.peek(ring, source) : undefined
  const shown: State = !source
    ? { kind: 'failed', plan, reason: imagery.reason, detail: imagery.detail }
    : (cached ?? (loaded && loaded.ring === ring && loaded.source === source ? loaded.picture : { kind: 'waiting' }))

  useEffect(() => {
    if (!source || !seen || loader.peek(ring, source)) return
    let live = true
    void loader.load(ring, source).then((picture) => live && setLoaded({ ring, source, picture }))
    return () => {
      live = false
    }
  }, [loader, ring, source, seen])

  useEffect(() => {
    if (canvas.current) draw(canvas.current, shown, ring, plan)
  })

  const failed = shown.kind === 'failed'
  const status = shown.kind === 'waiting' ? 'loading' : failed ? 'outline' : 'image'
  return (
    <div className="thumb" ref={box} data-state={status} data-zoom={plan.zoom} title={failed ? shown.detail : undefined}>
      <canvas ref={canvas} width={plan.width} height={plan.height} role="img" aria-label={failed ? `${label}: outline only. ${shown.reason}.` : label} />
      {failed && (
        <p className="thumb-reason" aria-hidden="true">
          {shown.reason}
        </p>
      )}
    </div>
  )
}
