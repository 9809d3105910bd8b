import type { IncomingMessage, ServerResponse } from 'node:http'
export const CORS_HEADERS: Record<string, string>
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null
export function serveFileWithRange(
  req: IncomingMessage,
  res: ServerResponse,
  filePath: string,
  options?: { cors?: boolean; contentType?: string },
): Promise<void>
