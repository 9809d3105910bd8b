// The satellite basemap is the default; when it can't be reached the offline map stands in and
// the person is told. The tile host is routed to fail here, so nothing leaves the machine.
import { test, expect, FAILED_RESOURCE } from './support/test'
import { AppPage, DEMO_LABEL } from './support/app-page'

const TILE_HOST = 'tiles.maps.eox.at'

test.describe('satellite basemap', () => {
  test.use({ allowedHosts: [TILE_HOST], allowedConsoleErrors: FAILED_RESOURCE })

  test('falls back to the offline map, says so, and shows credits', async ({ page, networkLog }) => {
    await page.route(`https://${TILE_HOST}/**`, (route) => route.abort('internetdisconnected'))
    const app = new AppPage(page)
    await page.goto('/')
    await expect(app.datasetLabel).toHaveText(DEMO_LABEL, { timeout: 30_000 })
    await expect(app.notices.filter({ hasText: 'basemap could not be reached' })).toBeVisible()
    await expect(page.getByRole('radio', { name: /Satellite \(unreachable\)/ })).toHaveAttribute('aria-checked', 'true')
    // The link still says what the person chose; the fallback is not shared.
    expect(new URL(page.url()).searchParams.get('basemap')).toBeNull()
    expect(networkLog.some((r) => r.url.includes(TILE_HOST))).toBe(true)
    await expect(page.getByTestId('map').getByRole('link', { name: 'Natural Earth' })).toBeVisible()

    await page.getByRole('radio', { name: 'Offline' }).click()
    await expect(page).toHaveURL(/basemap=offline/)
  })
})
