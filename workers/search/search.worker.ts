/// <reference lib="webworker" />
import { createSearchHandlers } from './handlers.ts'
import { serveHandlers } from './serve.ts'

serveHandlers(createSearchHandlers(), self as unknown as DedicatedWorkerGlobalScope)
