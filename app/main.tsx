import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { createSearchClient } from '../workers/search/client.ts'
import { createDecodePool } from '../workers/decode/pool.ts'
import { startDatasetService } from './services/dataset-service.ts'
import { startRankingService } from './services/ranking-service.ts'
import { setEncoderEmbedder, startAreaService } from './services/area-service.ts'
import { encoderEmbedder } from './services/area-encoder.ts'
import { readUrlIntoStore, startUrlSync } from './services/url-sync.ts'
import { installTestApi } from './services/test-api.ts'
import { startAutosave } from './services/autosave.ts'
import { startEmbedBridge } from './services/embed-bridge.ts'
import { embedConfig } from './services/embed-mode.ts'
import { demoUrl } from './services/builtin-catalog.ts'
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
