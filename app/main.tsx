import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { composeApp } from './compose.ts'
import { ServicesContext } from './services/context.ts'
import './styles.css'

const { services } = await composeApp()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
)
