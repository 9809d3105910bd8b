// Helpers for tests that read over real HTTP (app/lib/testing/: imported only by *.test.ts,
// bench/ and scripts/, never by the app).
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DatasetError } from '../errors.ts'

/** The DatasetError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function datasetErrorOf(p: Promise<unknown>): Promise<DatasetError> {
  try {
    await p
  } catch (err) {
    if (err instanceof DatasetError) return err
    throw err
  }
  throw new Error('expected a DatasetError')
}

export interface TestServer {
  server: Server
  /** http://127.0.0.1:<port> */
  base: string
  close(): Promise<void>
}

/** A loopback HTTP server on a free port, for tests that read over real HTTP. */
export async function startTestServer(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
