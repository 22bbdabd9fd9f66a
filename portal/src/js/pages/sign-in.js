import { cognito, signIn } from '../cognito.js'
import { signedIn, store } from '../session.js'
import { read, remove, write } from '../storage.js'
import { codeForm } from '../two-step.js'
import { $, clearErrors, go, notify, setTitle, show, showErrors, submitWhileBusy } from '../ui.js'
import { emailAndPassword, takeInvitedReference } from './create-account.js'

// Only a path on this site ("/x.html#y"), never another origin ("//x", "/\\x", "https:").
function sameSitePath (value) {
  return typeof value === 'string' && /^\/[A-Za-z0-9_-]+\.html(#[A-Za-z0-9=_-]*)?$/.test(value) ? value : null
}

export default async function page () {
  // A returning victim from an invitation (#ref=…) lands on the case: link-case finds it or fills it in.
  takeInvitedReference()
  if (signedIn() && read('invitedRef')) return go('/link-case.html')
  const form = $('#sign-in-form')
  const mfaForm = $('#mfa-form')
  let challenge = null
  const banners = {
    '#expired': { heading: 'You have been signed out', body: ['For your security, sign in again to continue.'] },
    '#sign-in-again': { heading: 'Sign in again to continue', body: ['For your security, you need to have signed in in the last 15 minutes to download your data or close your account.'] },
    '#confirmed': { success: true, heading: 'Your email address is confirmed', body: ['Sign in to continue.'] },
    '#password-reset': { success: true, heading: 'Your password has been reset', body: ['Sign in with your new password.'] }
  }
  if (banners[window.location.hash]) notify($('.app-banner-slot'), banners[window.location.hash])

  const finish = async (result) => {
    const returnTo = read('returnTo')
    remove('returnTo')
    store(result.AuthenticationResult)
    write('lastActive', Date.now())
    go(sameSitePath(returnTo) || (read('invitedRef') ? '/link-case.html' : '/cases.html'))
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const { email, password, errors } = emailAndPassword()
    if (!password) errors.push({ field: 'password', message: 'Enter your password' })
    if (errors.length) return showErrors(form, errors)
    await submitWhileBusy(form, async () => {
      const result = await signIn(email, password)
      if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
        challenge = { email, session: result.Session }
        clearErrors() // an earlier wrong password is answered: not an error about the code
        show(form, false)
        show(mfaForm, true)
        setTitle('Enter the code from your authenticator app')
        $('#mfa-code').focus()
        return
      }
      if (!result.AuthenticationResult) throw new Error('unsupported challenge')
      await finish(result)
    }, (error) => {
      if (error.type === 'UserNotConfirmedException') {
        write('pendingSignUp', { email })
        go('/create-account.html')
        return null
      }
      // The same words whether or not an account exists
      const message = error.type === 'NetworkError' || !error.type
        ? 'Sorry, there is a problem with the service. Try again later'
        : 'The email address or password is not right'
      return { field: 'email', message }
    })
  })

  codeForm(mfaForm, 'mfa-code', (code) => cognito('RespondToAuthChallenge', {
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.email, SOFTWARE_TOKEN_MFA_CODE: code }
  }), finish)
}
