/// <reference lib="webworker" />
import { serveHandlers } from '../rpc/rpc.ts'
import { browserEncoderEnvironment } from './browser-env.ts'
import { createEncoderHandlers } from './handlers.ts'
import { transferEncoderResult } from './protocol.ts'

serveHandlers(createEncoderHandlers(browserEncoderEnvironment), self as never, transferEncoderResult)
