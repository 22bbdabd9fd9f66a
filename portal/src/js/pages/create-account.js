import { api } from '../api.js'
import { signIn } from '../cognito.js'
import { loadConfig } from '../config.js'
import { signedIn, store } from '../session.js'
import { read, remove, write } from '../storage.js'
import { $, clearErrors, focusHeading, go, setTitle, show, showErrors, sixDigitCode, submitWhileBusy } from '../ui.js'

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function emailError (value) {
  if (!value) return 'Enter your email address'
  if (!EMAIL.test(value)) return 'Enter an email address in the correct format, like name@example.org'
  return null
}

// The email address and password typed in, with the email address's error if any.
export function emailAndPassword () {
  const email = $('#email').value.trim()
  const bad = emailError(email)
  return { email, password: $('#password').value, errors: bad ? [{ field: 'email', message: bad }] : [] }
}

// The user pool's PasswordPolicy.MinimumLength in template.yaml (a contract test holds them together).
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_RULE = `at least ${PASSWORD_MIN_LENGTH} characters`

// The invitation links here with the crime reference in the fragment (#ref=…): a fragment never leaves
// the browser, and the access code is never in a link. The reference is kept in this tab (until
// link-case fills it in, or sign-out) and taken out of the address bar at once.
const CRIME_REFERENCE = /^[A-Z0-9][A-Z0-9/-]{3,31}$/

export function takeInvitedReference () {
  const match = window.location.hash.match(/^#ref=(.*)$/)
  if (!match) return
  window.history.replaceState(null, '', window.location.pathname + window.location.search)
  let reference = ''
  try { reference = decodeURIComponent(match[1]).trim().toUpperCase() } catch { return }
  if (CRIME_REFERENCE.test(reference)) write('invitedRef', reference)
}

// The reference an invitation brought, once: link-case fills it in and it is gone.
export function invitedReference () {
  const reference = read('invitedRef')
  remove('invitedRef')
  return typeof reference === 'string' ? reference : null
}

export default async function page () {
  takeInvitedReference()
  // A victim who is signed in already goes on to link the case (or to it, if it is linked already).
  if (signedIn()) return go('/link-case.html')
  const config = await loadConfig()
  let heldPassword = null
  const createForm = $('#create-form')
  const confirmForm = $('#confirm-form')
  document.querySelectorAll('.app-local-only').forEach((node) => show(node, config.local))

  const showConfirm = () => {
    show(createForm, false)
    show(confirmForm, true)
    setTitle('Check your email')
    focusHeading(confirmForm)
  }
  if (read('pendingSignUp')) showConfirm()

  createForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    const { email, password, errors } = emailAndPassword()
    if (password.length < PASSWORD_MIN_LENGTH) errors.push({ field: 'password', message: `Your password must be ${PASSWORD_RULE}` })
    if (errors.length) return showErrors(createForm, errors)
    await submitWhileBusy(createForm, async () => {
      // Through Caseline's API, never Cognito's SignUp: the answer is the same whether or not the address has
      // an account (its owner is emailed instead), so this page cannot tell either (docs/adr/0014)
      await api('POST', '/v1/accounts', { email, password }, { auth: false })
      // The email address is kept in this tab; the password only in this page's memory
      write('pendingSignUp', { email })
      heldPassword = password
      clearErrors()
      showConfirm()
    }, (error) => {
      const badPassword = error.problem && error.problem.field === 'password'
      const message = badPassword
        ? `Choose a different password: it must be ${PASSWORD_RULE}`
        : error.problem && error.problem.field === 'email'
          ? 'Enter an email address in the correct format, like name@example.org'
          : 'Sorry, we could not create your account. Try again later'
      return { field: badPassword ? 'password' : 'email', message }
    })
  })

  confirmForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    const code = sixDigitCode('#code')
    if (!code) return showErrors(confirmForm, [{ field: 'code', message: 'Enter the 6-digit code from the email' }])
    const pending = read('pendingSignUp')
    if (!pending) return go('/sign-in.html')
    await submitWhileBusy(confirmForm, async () => {
      // Through Caseline's API as well: Cognito's own answer would say when an account is confirmed already
      await api('POST', '/v1/accounts/confirmation', { email: pending.email, code }, { auth: false })
      write('pendingSignUp', null)
      const password = heldPassword
      heldPassword = null
      // A sign-up begun earlier keeps its first password: then the confirmed victim signs in themselves
      const result = password && await signIn(pending.email, password).catch(() => null)
      if (!result || !result.AuthenticationResult) return go('/sign-in.html#confirmed')
      store(result.AuthenticationResult)
      go('/link-case.html')
    }, (error) => ({
      field: 'code',
      message: error.status === 422
        ? 'The code is not right or has expired. Check the email, or create your account again to get a new code'
        : 'Sorry, we could not confirm your account. Try again later'
    }))
  })
}
