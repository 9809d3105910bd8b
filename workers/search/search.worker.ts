/// <reference lib="webworker" />
import { serveHandlers } from '../rpc/rpc.ts'
import { openLocalStoreOf } from '../../app/lib/archive/local-store.ts'
import { browserArchiveIO } from './archive-io.ts'
import { storedArchiveIO } from './local-archive-io.ts'
import { createSearchHandlers } from './handlers.ts'
import { transferSearchResult } from './protocol.ts'

serveHandlers(createSearchHandlers({}, storedArchiveIO(openLocalStoreOf, browserArchiveIO())), self as never, transferSearchResult)
