import { inProcessClient, RpcClient, workerClient } from '../rpc/rpc.ts'
import { createSearchHandlers } from './handlers.ts'
import { transferSearchParams, transferSearchResult, type SearchProtocol } from './protocol.ts'

export type SearchClient = RpcClient<SearchProtocol>

export function createInProcessSearchClient(): SearchClient {
  return inProcessClient(createSearchHandlers(), transferSearchParams, transferSearchResult)
}

export function createSearchClient(): SearchClient {
  return workerClient<SearchProtocol>(
    () => new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module', name: 'search' }),
    createInProcessSearchClient,
    transferSearchParams,
  )
}
