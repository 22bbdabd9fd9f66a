// Idle time-out: a warning two minutes before, then sign-out (on every device) after 15 minutes
// without a key press, tap or click. The last activity is shared by every page of this tab.
// The victims' session by default; force staff's pages give their own (js/staff/session.js): its
// sign-out, where it ends (`signedOut`, `timedOut`) and the storage key of its last activity.
import { el, go } from './ui.js'
import { read, write } from './storage.js'
import { signOut as victimSignOut } from './session.js'
import { quickExit } from './exit.js'
import { warningMinutes } from './config.js'

const ACTIVITY = ['keydown', 'pointerdown', 'wheel', 'touchstart']

export function startIdleTimer ({
  minutes = 15, warnMinutes = 2, signOut = null, signedOut = '/signed-out.html', timedOut = '/signed-out.html#timed-out', key = 'lastActive'
} = {}) {
  const limit = minutes * 60_000
  const warnAt = limit - warningMinutes(minutes, warnMinutes) * 60_000 // a short time-out still warns first
  let dialog = null
  let stopped = false

  const touch = () => {
    if (dialog && dialog.open) return // only "Stay signed in" answers the warning
    write(key, Date.now())
  }
  if (!read(key)) touch()
  ACTIVITY.forEach((name) => document.addEventListener(name, touch, { passive: true, capture: true }))

  const expire = async () => {
    stopped = true
    await (signOut || victimSignOut)()
    go(timedOut)
  }

  const warn = (remaining) => {
    if (!dialog) {
      const text = el('p', { class: 'govuk-body', id: 'idle-warning-text' })
      // The modal warning makes the rest of the page inert, the header's "Exit this page" too: the victims'
      // warning has its own, first as on every page (Shift three times still works). "Stay signed in" has the focus.
      const exit = signOut
        ? null
        : el('button', { type: 'button', class: 'govuk-button govuk-button--warning app-dialog__exit', 'data-module': 'govuk-button' },
          el('span', { class: 'govuk-visually-hidden' }, 'Emergency'), ' Exit this page')
      if (exit) exit.addEventListener('click', () => { stopped = true; quickExit() })
      const stay = el('button', { type: 'button', class: 'govuk-button', 'data-module': 'govuk-button', autofocus: true }, 'Stay signed in')
      // The victims' "Sign out" is main.js's (data-sign-out); another session's is its own
      const leave = el('a', { href: signedOut, class: 'govuk-link', ...(signOut ? {} : { 'data-sign-out': true }) }, 'Sign out')
      if (signOut) {
        leave.addEventListener('click', async (event) => {
          event.preventDefault()
          stopped = true
          await signOut()
          go(signedOut)
        })
      }
      dialog = el('dialog', { class: 'app-dialog', 'aria-labelledby': 'idle-warning-title', 'aria-describedby': 'idle-warning-text' },
        exit,
        el('h2', { class: 'govuk-heading-m', id: 'idle-warning-title' }, 'You will be signed out soon'),
        text,
        el('div', { class: 'govuk-button-group' }, stay, leave))
      stay.addEventListener('click', () => {
        dialog.close()
        write(key, Date.now())
      })
      document.body.append(dialog)
    }
    const minutesLeft = Math.max(1, Math.ceil(remaining / 60_000))
    dialog.querySelector('#idle-warning-text').textContent =
      `We will sign you out in ${minutesLeft} minute${minutesLeft === 1 ? '' : 's'} to protect your information, because you have not done anything for a while.`
    if (!dialog.open) dialog.showModal()
  }

  const check = () => {
    if (stopped) return
    const idle = Date.now() - (read(key) || Date.now())
    if (idle >= limit) expire()
    else if (idle >= warnAt) warn(limit - idle)
    else if (dialog && dialog.open) dialog.close()
  }
  check()
  window.setInterval(check, 1000)
}
