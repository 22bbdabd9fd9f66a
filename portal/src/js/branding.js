// A force's name and colour on its case pages, unless the victim asked for no police branding:
// then the header, titles and text stay neutral ("Your account").
import { forceDetails, loadConfig } from './config.js'
import { read, write } from './storage.js'
import { $, setTitle } from './ui.js'

export async function brandFor (forceId) {
  const config = await loadConfig()
  const force = forceDetails(config, forceId)
  const neutral = Boolean(read('neutral'))
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

// Remember whether any case's safe-contact profile says not to name the police.
export function rememberBranding (preferences) {
  const noPolice = preferences && preferences.in_effect && preferences.in_effect.may_name_police === false
  if (noPolice) write('neutral', true)
  const neutral = Boolean(read('neutral'))
  document.body.classList.toggle('app-neutral', neutral)
  const service = $('.app-service-name')
  if (service) service.textContent = neutral ? 'Your account' : 'Follow your case'
  setTitle(document.body.dataset.title)
  return neutral
}
