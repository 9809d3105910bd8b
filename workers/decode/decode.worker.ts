/// <reference lib="webworker" />
import { serveHandlers } from '../rpc/rpc.ts'
import { createDecodeHandlers } from './handlers.ts'
import { transferDecodeResult } from './protocol.ts'
import { resilientFetch } from '../../app/lib/http/resilient-fetch.ts'

serveHandlers(createDecodeHandlers({ fetch: resilientFetch() }), self as never, transferDecodeResult)
