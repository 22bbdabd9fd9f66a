// Quick exit: GOV.UK Frontend's "Exit this page" (button, or Shift pressed three times), changed so
// that it ends the session everywhere (fire-and-forget: the API refuses the old tokens from then on),
// forgets it and *replaces* the current history entry: Back does not return here.
import { ExitThisPage } from '/govuk/govuk-frontend.min.js'
import { signOutInBackground } from './session.js'

export const NEUTRAL_SITE = 'https://www.bbc.co.uk/weather'

export function quickExit (destination = NEUTRAL_SITE) {
  signOutInBackground()
  document.body.classList.add('govuk-exit-this-page-hide-content')
  document.title = 'Loading'
  window.location.replace(destination)
}

export class SafeExitThisPage extends ExitThisPage {
  exitPage () {
    if (this.$updateSpan) this.$updateSpan.textContent = ''
    const overlay = document.createElement('div')
    overlay.className = 'govuk-exit-this-page-overlay'
    overlay.setAttribute('role', 'alert')
    overlay.textContent = 'Loading.'
    document.body.appendChild(overlay)
    this.$overlay = overlay
    quickExit(this.$button.href || NEUTRAL_SITE)
  }
}
