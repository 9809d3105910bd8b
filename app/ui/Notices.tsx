import { useAppStore } from '../state/store.ts'

export function Notices() {
  const notices = useAppStore((s) => s.notices)
  const dismiss = useAppStore((s) => s.dismissNotice)
  if (notices.length === 0) return null
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'} data-testid="notice" data-level={n.level}>
          <p>{n.text}</p>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
