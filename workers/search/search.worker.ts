/// <reference lib="webworker" />
import { serveHandlers } from '../rpc/rpc.ts'
import { browserArchiveIO } from './archive-io.ts'
import { createSearchHandlers } from './handlers.ts'
import { transferSearchResult } from './protocol.ts'

serveHandlers(createSearchHandlers({}, browserArchiveIO()), self as never, transferSearchResult)
