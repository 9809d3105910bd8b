// "Share": the link to this search, copied at a click; on a phone or tablet the system's share
// sheet opens instead. A small popover shows the link (selected, for copying by hand when the
// clipboard is refused) and what the link does and doesn't carry.

import { useEffect, useId, useRef, useState } from 'react'
import { useAppStore } from '../state/store.ts'
import { shareLink } from '../services/flows/url-sync.ts'
import { useFileExamples } from '../state/file-examples.ts'

type CopyState = 'idle' | 'copied' | 'refused'

/** The system share sheet, where the browser has one and the device is touch-first (a phone or tablet). */
function systemShare(): ((data: ShareData) => Promise<void>) | null {
  if (typeof navigator.share !== 'function') return null
  return navigator.share.bind(navigator)
}

function touchFirst(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(pointer: coarse)').matches
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

export function ShareButton() {
  const localFileName = useAppStore((s) => s.localFileName)
  const fromFile = useFileExamples((s) => s.examples.length)
  const [open, setOpen] = useState(false)
  const [link, setLink] = useState('')
  const [copyState, setCopyState] = useState<CopyState>('idle')
  const popover = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const titleId = useId()

  useEffect(() => {
    if (!open) return
    input.current?.select()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false)
        button.current?.focus()
      }
    }
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node
      if (!popover.current?.contains(target) && !button.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointer)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer)
    }
  }, [open])

  const share = async () => {
    if (open) return setOpen(false)
    const url = shareLink()
    setLink(url ?? '')
    setCopyState('idle')
    setOpen(true)
    if (url === null) return
    const sheet = systemShare()
    if (sheet && touchFirst()) {
      // The person may cancel the sheet (an AbortError); the link stays in the popover.
      await sheet({ title: document.title, url }).catch(() => undefined)
      return
    }
    setCopyState((await copy(url)) ? 'copied' : 'refused')
  }

  const sheet = systemShare()
  const inFragment = link.includes('#s&')
  return (
    <div className="share">
      <button
        type="button"
        ref={button}
        onClick={() => void share()}
        aria-expanded={open}
        aria-haspopup="dialog"
        data-testid="share-button"
        title="Copy a link to this search"
      >
        Share
      </button>
      {open && (
        <div className="share-popover" role="dialog" aria-labelledby={titleId} ref={popover} data-testid="share-popover">
          <h3 id={titleId} className="small">
            Share this search
          </h3>
          {localFileName !== null ? (
            <p className="small hint" data-testid="share-local">
              “{localFileName}” was opened from this computer, so a link can’t open it elsewhere. Put the file at a web address (a bucket or a
              site) and open it from there to share the search.
            </p>
          ) : (
            <>
              <input
                ref={input}
                className="share-link"
                readOnly
                value={link}
                aria-label="Link to this search"
                data-testid="share-link"
                onFocus={(e) => e.currentTarget.select()}
              />
              <p className="small" role="status" aria-live="polite" data-testid="share-status">
                {copyState === 'copied'
                  ? 'Link copied. Anyone who opens it sees this search.'
                  : copyState === 'refused'
                    ? 'The browser didn’t let the page copy. The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.'
                    : ''}
              </p>
              <div className="row">
                <button type="button" onClick={() => void copy(link).then((ok) => setCopyState(ok ? 'copied' : 'refused'))}>
                  Copy link
                </button>
                {sheet && (
                  <button type="button" onClick={() => void sheet({ title: document.title, url: link }).catch(() => undefined)}>
                    Share…
                  </button>
                )}
              </div>
              <p className="small muted">
                The link holds the dataset, the examples and drawn areas, the ranking settings, the threshold, the filters, the basemap and this
                map view.
                {inFragment && ' It is long, so part of it sits after the #, which browsers never send to a server.'}
              </p>
              {fromFile > 0 && (
                <p className="small hint" data-testid="share-file-examples">
                  The {fromFile === 1 ? 'example' : `${fromFile} examples`} from a labels file {fromFile === 1 ? 'is' : 'are'} not in the link (a link holds chip
                  ids, not embeddings). Send the labels file with it (Save labels, under Examples).
                </p>
              )}
            </>
          )}
        </div>
      )}
    </div>
  )
}
