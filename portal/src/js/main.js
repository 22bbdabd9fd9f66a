// Every page: GOV.UK Frontend's components, the quick exit, branding from configuration, the
// signed-in navigation, the idle time-out, then the page's own module (data-page on <body>).
import { Button, CharacterCount, Checkboxes, ErrorSummary, Radios, ServiceNavigation, SkipLink, createAll } from '/govuk/govuk-frontend.min.js'
import { SafeExitThisPage } from './exit.js'
import { startIdleTimer } from './idle.js'
import { idleMinutes, idleTime, loadConfig, warningMinutes } from './config.js'
import { signOut, signedIn } from './session.js'
import { applyMode } from './branding.js'
import { go, showServiceProblem } from './ui.js'
import { write } from './storage.js'

const body = document.body
// What GOV.UK Frontend's template does with an inline script, which the CSP does not allow: this
// module runs, so the browser supports ES modules and the components.
body.classList.add('js-enabled', 'govuk-frontend-supported')
// The forms show now, but their page's module is not yet listening: a submit before then would send the
// form natively, as a GET with every field (a password too) in the address. Hold it until the page is ready.
document.addEventListener('submit', (event) => { if (body.dataset.ready !== 'true') event.preventDefault() }, true)

for (const Component of [SafeExitThisPage, Button, SkipLink, ServiceNavigation, Radios, Checkboxes, ErrorSummary, CharacterCount]) {
  createAll(Component)
}

const PAGE_MODULES = new Set([
  'create-account', 'sign-in', 'reset-password', 'link-case', 'follow-case', 'cases', 'case', 'messages', 'articles', 'article',
  'preferences', 'my-data', 'survey', 'signed-out'
])

function wireNavigation () {
  body.classList.toggle('app-signed-in', signedIn())
  document.addEventListener('click', async (event) => {
    const link = event.target.closest('a[href]')
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
    if (link.hasAttribute('data-sign-out')) {
      event.preventDefault()
      const everywhere = await signOut()
      go(everywhere ? '/signed-out.html' : '/signed-out.html#this-device')
      return
    }
    const url = new URL(link.href, window.location.href)
    if (url.origin !== window.location.origin || link.hasAttribute('download') || link.target) return
    if (url.pathname === window.location.pathname && url.hash) return // in-page link
    event.preventDefault()
    go(url.pathname + url.search + url.hash)
  })
}

// Pages that say how long the idle time-out is (the start page, the accessibility statement) say the
// deployment's idleMinutes, as the signed-out page does; without JavaScript, the default's words stay.
async function sayIdleTime () {
  const said = document.querySelectorAll('[data-idle-time], [data-idle-warning]')
  if (!said.length) return
  const minutes = idleMinutes(await loadConfig().catch(() => ({})))
  said.forEach((node) => {
    node.textContent = idleTime(node.hasAttribute('data-idle-time') ? minutes : warningMinutes(minutes))
  })
}

async function start () {
  applyMode() // neutral mode's title was set already, before the page was drawn (neutral-title.js)
  wireNavigation()
  if (body.dataset.auth === 'required' && !signedIn()) {
    // A safety alert's link (#alert=<opaque id>) leads back to the alert after signing in
    if (/^#alert=[0-9a-f]{20}$/.test(window.location.hash)) write('returnTo', window.location.pathname + window.location.hash)
    go('/sign-in.html')
    return
  }
  if (signedIn()) {
    const config = await loadConfig().catch(() => ({}))
    startIdleTimer({ minutes: idleMinutes(config) })
  }
  await sayIdleTime()
  const page = body.dataset.page
  if (PAGE_MODULES.has(page)) {
    const module = await import(`./pages/${page}.js`)
    await module.default()
  } else if (page === 'insights' || page.startsWith('staff-')) { // force staff's pages (js/staff/)
    const module = await import(`./staff/${page}.js`)
    await module.default()
  } else if (page === 'call-handler') { // force staff's contact centre (call-handler.js)
    const module = await import('./call-handler.js')
    await module.default()
  } else if (page.startsWith('report-')) {
    const module = await import('./report.js')
    await module.default(page)
  }
  body.dataset.ready = 'true'
}

start().catch((error) => {
  console.error('The page could not start:', error && error.name, error && error.message)
  body.dataset.ready = 'error'
  showServiceProblem()
})
