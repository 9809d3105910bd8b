import { useServices } from '../services/context.ts'
import { useRestoredSession } from '../state/restored-session.ts'

/** Says that the last search came back (or waits for its local file), with a way to start over. */
export function RestoredSession() {
  const { startOver, dismissRestored } = useServices().session
  const { state, localFileName, examples } = useRestoredSession()
  if (state === null) return null
  return (
    <div className="restored hint small" role="status" data-testid="restored-session">
      {state === 'restored' ? (
        <p>Your last search was restored.</p>
      ) : (
        <p>
          Your last search ({examples} example{examples === 1 ? '' : 's'}) was on {localFileName}, a file from your computer, which the app can’t open by
          itself. Open that file again (Open another dataset, or drop it on the page) and the examples come back.
        </p>
      )}
      <button type="button" className="link small" onClick={startOver}>
        Start over
      </button>{' '}
      {state === 'restored' && (
        <button type="button" className="link small" onClick={dismissRestored}>
          OK
        </button>
      )}
    </div>
  )
}
