// "Embed": the HTML that puts the current search in another site, as an <iframe> or as the
// <chipfinder-search> web component, and which host sites may command it (docs/embed.md).
// The snippets are built as text (app/lib/embed/snippet.ts) and shown in read-only text areas;
// nothing typed here is ever rendered as HTML.

import { useEffect, useId, useRef, useState } from 'react'
import { useAppStore } from '../state/store.ts'
import { parseOriginList } from '../lib/embed/origins.ts'
import { componentSnippet, iframeSnippet, parseDimension } from '../lib/embed/snippet.ts'
import { appPageUrl } from '../services/resources/app-links.ts'
import { shareLink } from '../services/flows/url-sync.ts'

/** The button that opens the dialog; it stands on its own, so it can go anywhere in the panel. */
export function EmbedButton() {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Embed
      </button>
      {open && <EmbedDialog onClose={() => setOpen(false)} />}
    </>
  )
}

function CopyField({ label, text, testId }: { label: string; text: string; testId: string }) {
  const area = useRef<HTMLTextAreaElement>(null)
  const [said, setSaid] = useState<string | null>(null)
  const id = useId()
  const copy = () => {
    const select = () => area.current?.select()
    if (!navigator.clipboard) {
      select()
      setSaid('Selected: press Ctrl+C (⌘C on a Mac) to copy.')
      return
    }
    navigator.clipboard.writeText(text).then(
      () => setSaid('Copied.'),
      () => {
        select()
        setSaid('Could not copy; it is selected: press Ctrl+C (⌘C on a Mac).')
      },
    )
  }
  return (
    <div className="embed-field">
      <label htmlFor={id} className="small">
        {label}
      </label>
      <textarea id={id} ref={area} readOnly value={text} rows={4} spellCheck={false} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
      <div className="row">
        <button type="button" className="small" onClick={copy}>
          Copy
        </button>
        <span className="small muted" role="status">
          {said}
        </span>
      </div>
    </div>
  )
}

export function EmbedDialog({ onClose }: { onClose: () => void }) {
  const localFileName = useAppStore((s) => s.localFileName)
  // The search as the store has it now (the address bar follows it a moment later).
  const link = useAppStore((s) => shareLink(s))
  const [originsText, setOriginsText] = useState('')
  const [width, setWidth] = useState('100%')
  const [height, setHeight] = useState('480')
  const dialog = useRef<HTMLDivElement>(null)
  const ids = { title: useId(), origins: useId(), width: useId(), height: useId() }

  useEffect(() => {
    dialog.current?.querySelector<HTMLInputElement>('input')?.focus()
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  const { origins, problems } = parseOriginList(originsText)
  const w = parseDimension(width)
  const h = parseDimension(height)
  const linkUrl = link === null ? null : new URL(link)
  const options = { appUrl: appPageUrl(), search: linkUrl?.search ?? '', hash: linkUrl?.hash ?? '', allowed: origins, width: w ?? '100%', height: h ?? '480' }

  return (
    <div className="picker-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="picker embed-dialog" role="dialog" aria-modal="true" aria-labelledby={ids.title} ref={dialog} data-testid="embed-dialog">
        <div className="section-head">
          <h2 id={ids.title}>Embed this search</h2>
          <button type="button" className="icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        {localFileName !== null ? (
          <p className="small">A file from your computer can’t be embedded: open a dataset from a link first.</p>
        ) : (
          <>
            <p className="small muted">
              Paste this into your site’s HTML. Visitors see the map and the results, and can refine the search; a link opens the full app.
            </p>
            <div className="row">
              <label className="small embed-size" htmlFor={ids.width}>
                Width
                <input id={ids.width} value={width} onChange={(e) => setWidth(e.target.value)} aria-invalid={w === null} />
              </label>
              <label className="small embed-size" htmlFor={ids.height}>
                Height
                <input id={ids.height} value={height} onChange={(e) => setHeight(e.target.value)} aria-invalid={h === null} />
              </label>
            </div>
            {(w === null || h === null) && <p className="small field-error">A size is pixels (120 to 4000) or a percentage (1% to 100%).</p>}
            <label className="small" htmlFor={ids.origins}>
              Sites that may control the embed (optional)
            </label>
            <input
              id={ids.origins}
              type="text"
              placeholder="https://your-site.example"
              value={originsText}
              onChange={(e) => setOriginsText(e.target.value)}
              aria-describedby={`${ids.origins}-help`}
              aria-invalid={problems.length > 0}
              data-testid="embed-origins"
            />
            <p id={`${ids.origins}-help`} className="small muted">
              {origins.length === 0
                ? 'None: the embed only shows the search. List your site’s origin (https://host, or https://host:port) to let its scripts change the search and hear about results (docs/embed.md).'
                : `Allowed: ${origins.join(', ')}. Only pages on ${origins.length === 1 ? 'this site' : 'these sites'} can send it commands and receive its events.`}
            </p>
            {problems.map((p) => (
              <p key={p} className="small field-error">
                {p}
              </p>
            ))}
            <CopyField label="As an iframe" text={iframeSnippet(options)} testId="embed-snippet" />
            <CopyField label="Or as a web component (events arrive as DOM events)" text={componentSnippet(options)} testId="embed-component-snippet" />
          </>
        )}
      </div>
    </div>
  )
}
