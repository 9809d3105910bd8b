/// <reference lib="webworker" />
import { serveHandlers } from '../rpc/rpc.ts'
import { createSearchHandlers } from './handlers.ts'
import { transferSearchResult } from './protocol.ts'

serveHandlers(createSearchHandlers(), self as never, transferSearchResult)
