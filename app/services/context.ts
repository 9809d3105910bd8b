// The one React context the map and the panels get their services from (app/services/services.ts).

import { createContext, useContext } from 'react'
import type { Services } from './services.ts'

export const ServicesContext = createContext<Services | null>(null)

/** The app's services; only inside the provider that app/main.tsx renders. */
export function useServices(): Services {
  const services = useContext(ServicesContext)
  if (!services) throw new Error('useServices() outside the services provider (app/main.tsx renders it).')
  return services
}
