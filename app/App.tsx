import { MapView } from './map/MapView.tsx'
import { DatasetSection } from './ui/DatasetSection.tsx'
import { ExamplesSection } from './ui/ExamplesSection.tsx'
import { RankingSection } from './ui/RankingSection.tsx'
import { ChipPropertiesSection } from './ui/ChipPropertiesSection.tsx'
import { Notices } from './ui/Notices.tsx'
import { BasemapSwitcher } from './ui/BasemapSwitcher.tsx'
import { DropZone } from './ui/DropZone.tsx'
import { DatasetPicker } from './ui/DatasetPicker.tsx'
import { useAppStore } from './state/store.ts'
import { ShareButton } from './ui/ShareButton.tsx'
import { SharedOpenBanner } from './ui/SharedOpenBanner.tsx'
import { EmbedButton } from './ui/EmbedDialog.tsx'
import { EmbedLayout } from './ui/EmbedLayout.tsx'
import { useServices } from './services/context.ts'

export function App() {
  const { dataset: service, embed, catalog } = useServices()
  const family = useAppStore((s) => s.summary?.family)
  if (embed.embed) return <EmbedLayout />
  return (
    <DropZone onFile={service.openLocalFile}>
      <div className="app">
        <aside className="panel" aria-label="Search">
          <header className="brand">
            <div className="brand-head">
              <h1>Chipfinder</h1>
              <div className="brand-actions">
                <ShareButton />
                <EmbedButton />
              </div>
            </div>
            <p className="muted small">Find places that look like the ones you point at.</p>
          </header>
          <SharedOpenBanner />
          <DatasetSection />
          <ExamplesSection />
          <ChipPropertiesSection />
          <RankingSection />
          {family === 'clay-v0' && <footer className="small muted credits">Clay embeddings, Clay / Radiant Earth, ODC-BY.</footer>}
        </aside>
        <main className="map-wrap">
          <MapView />
          <BasemapSwitcher />
          <Notices />
        </main>
      </div>
      <DatasetPicker entries={catalog.entries} onOpen={service.openEntry} onOpenFile={service.openLocalFile} />
    </DropZone>
  )
}
