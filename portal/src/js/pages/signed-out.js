import { idleMinutes, idleTime, loadConfig } from '../config.js'
import { forget } from '../session.js'
import { $, setTitle, show } from '../ui.js'

export default async function page () {
  forget()
  document.body.classList.remove('app-signed-in')
  if (window.location.hash === '#timed-out') {
    setTitle('You have been signed out')
    $('.app-signed-out-heading').textContent = 'You have been signed out'
    const minutes = idleMinutes(await loadConfig().catch(() => ({})))  // the deployment's idleMinutes, as idle.js used it
    $('.app-signed-out-text').textContent = `We signed you out because you had not done anything for ${idleTime(minutes)}. This protects your information.`
  } else if (window.location.hash === '#this-device') {
    setTitle('You have signed out on this device')
    $('.app-signed-out-heading').textContent = 'You have signed out on this device'
    $('.app-signed-out-text').textContent = 'We could not sign you out on your other devices just now. This browser has forgotten your sign-in. If you signed in on another phone or computer, sign out there too, or change your password.'
  } else if (window.location.hash === '#closed') {
    setTitle('Your account is closed')
    $('.app-signed-out-heading').textContent = 'Your account is closed'
    $('.app-signed-out-text').textContent = 'We have removed your sign-in, your links to your cases and your messages. The police can still contact you in the ways you agreed.'
    // The account is gone: signing in again would fail. A new account, or the start page, instead
    show($('.app-sign-in-again'), false)
    show($('.app-closed-next'), true)
  }
}
