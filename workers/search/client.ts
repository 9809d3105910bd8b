import { inProcessClient, RpcClient, workerClient } from '../rpc/rpc.ts'
import type { ArchiveIO } from './archive.ts'
import { browserArchiveIO } from './archive-io.ts'
import { storedArchiveIO } from './local-archive-io.ts'
import { openLocalStoreOf } from '../../app/lib/archive/local-store.ts'
import { createSearchHandlers } from './handlers.ts'
import { transferSearchParams, transferSearchResult, type SearchProtocol } from './protocol.ts'

export type SearchClient = RpcClient<SearchProtocol>

/** `archiveIO`: how archive indexes are read (tests serve them from memory). */
export function createInProcessSearchClient(archiveIO?: ArchiveIO): SearchClient {
  return inProcessClient(createSearchHandlers({}, archiveIO), transferSearchParams, transferSearchResult)
}

export function createSearchClient(): SearchClient {
  return workerClient<SearchProtocol>(
    () => new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module', name: 'search' }),
    () => createInProcessSearchClient(storedArchiveIO(openLocalStoreOf, browserArchiveIO())),
    transferSearchParams,
  )
}
