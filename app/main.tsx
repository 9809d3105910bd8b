import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { createSearchClient } from '../workers/search/client.ts'
import { createDecodePool } from '../workers/decode/pool.ts'
import { startDatasetService } from './services/flows/dataset/open.ts'
import { startRankingService } from './services/flows/ranking.ts'
import { setEncoderEmbedder, startAreaService } from './services/flows/areas/area-service.ts'
import { encoderEmbedder } from './services/flows/areas/area-encoder.ts'
import { readUrlIntoStore, startUrlSync } from './services/flows/url-sync.ts'
import { installTestApi } from './testing/test-api.ts'
import { startAutosave } from './services/flows/autosave.ts'
import { startEmbedBridge } from './services/flows/embed-bridge.ts'
import { embedConfig } from './services/resources/embed-mode.ts'
import { demoUrl } from './services/resources/builtin-catalog.ts'
import './styles.css'

const DEMO_URL = demoUrl()

readUrlIntoStore(window.location.search, window.location.hash)
startUrlSync()
const search = createSearchClient()
// A bare address brings back the last session (before the dataset service opens its dataset).
// An embed shows the search its link names and keeps nothing: it is someone else's page.
if (!embedConfig.embed) await startAutosave(search)
const ranking = startRankingService(search)
startAreaService(search)
setEncoderEmbedder(encoderEmbedder())
const service = startDatasetService({ search, pool: createDecodePool(), ranking, demoUrl: DEMO_URL })
installTestApi()
startEmbedBridge() // only in embed mode with allowed host origins (docs/embed.md)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App service={service} demoUrl={DEMO_URL} />
  </StrictMode>,
)
