// A force's name and colour on its case pages, unless the victim asked for no police branding:
// then the header, titles and text stay neutral ("Your account").
import { forceDetails, loadConfig } from './config.js'
import { NEUTRAL_SERVICE, SERVICE, neutralName } from './neutral.js'
import { write } from './storage.js'
import { $, neutralMode, setTitle } from './ui.js'

// The header, the menu and the tab's title in this tab's mode: neutral (the header "Your account", the
// account page's menu item "Your data", neutral titles: neutral.js) or the service's own.
export function applyMode () {
  const neutral = neutralMode()
  // neutral-title.js put the neutral <title> first: the page's own, after it, is never shown
  for (const title of [...document.head.querySelectorAll('title')].slice(1)) title.remove()
  document.body.classList.toggle('app-neutral', neutral)
  const service = $('.app-service-name')
  if (service) service.textContent = neutral ? NEUTRAL_SERVICE : SERVICE
  const account = $('.app-account-link')
  if (account) account.textContent = neutral ? neutralName('Your account') : 'Your account'
  setTitle(document.body.dataset.title)
  return neutral
}

export async function brandFor (forceId) {
  const config = await loadConfig()
  const force = forceDetails(config, forceId)
  const neutral = neutralMode()
  const name = $('.app-force-name')
  if (name) {
    name.textContent = force.name
    name.hidden = neutral
  }
  if (!neutral && /^#[0-9a-fA-F]{3,8}$/.test(force.colour || '')) {
    document.documentElement.style.setProperty('--app-force-colour', force.colour)
  } else {
    document.documentElement.style.removeProperty('--app-force-colour')
  }
  document.querySelectorAll('.app-force-phone').forEach((node) => { node.textContent = force.phone })
  return force
}

// The safe-contact profile a case's messages obey (its preferences; null when they could not be read: {})
const inEffect = (preferences) => (preferences && preferences.in_effect) || {}

// Whether this tab may name a case's crime: not in neutral mode, nor where the case's profile says not to.
export function mayNameCrime (preferences) {
  return !neutralMode() && inEffect(preferences).may_name_crime !== false
}

// Remember whether any case's safe-contact profile says not to name the police.
export function rememberBranding (preferences) {
  if (inEffect(preferences).may_name_police === false) write('neutral', true)
  return applyMode()
}
