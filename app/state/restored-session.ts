// What the restored-session note shows (app/ui/RestoredSession.tsx); autosave
// (app/services/flows/autosave.ts) writes it.

import { create } from 'zustand'

export const useRestoredSession = create<{
  /** 'restored': the last search came back; 'local': it waits for its local file to be opened again. */
  state: null | 'restored' | 'local'
  /** The local file the waiting search was on. */
  localFileName: string | null
  /** How many examples the restored (or waiting) search has. */
  examples: number
}>()(() => ({ state: null, localFileName: null, examples: 0 }))
