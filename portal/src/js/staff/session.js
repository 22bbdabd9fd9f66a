// A force analyst's session: the staff user pool (config.json's staffUserPoolId and its client), never the
// victims'. Tokens live in sessionStorage under their own key, so a staff sign-in and a victim's never mix.
import { CognitoError, cognito, signIn } from '../cognito.js'
import { loadConfig } from '../config.js'
import { startIdleTimer } from '../idle.js'
import { claims } from '../session.js'
import { read, remove, write } from '../storage.js'
import { $, el, go } from '../ui.js'

const KEY = 'staff'
const ACTIVE = 'staffLastActive' // the idle time-out's last activity, apart from a victim's
const FORCE_GROUP = /^force-(.+)$/
export const SIGN_IN_PAGE = '/staff-sign-in.html'

async function staffPool () {
  const config = await loadConfig()
  if (!config.staffUserPoolId || !config.staffUserPoolClientId) throw new CognitoError('NotConfigured')
  return { poolId: config.staffUserPoolId, clientId: config.staffUserPoolClientId }
}

// SRP, as the victims' sign-in: the password never leaves the browser (the staff client allows no other flow).
export async function staffSignIn (email, password) {
  return signIn(email, password, await staffPool())
}

// The answer to a challenge (a new password, an authenticator code) for the staff pool's client.
export async function staffChallenge (name, session, responses) {
  const { clientId } = await staffPool()
  return cognito('RespondToAuthChallenge', { ClientId: clientId, ChallengeName: name, Session: session, ChallengeResponses: responses })
}

export function keep (result, previous = {}) {
  if (!previous.idToken) write(ACTIVE, Date.now()) // a new sign-in: active now
  write(KEY, {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken || previous.refreshToken,
    expiresAt: (claims(result.IdToken).exp || 0) * 1000
  })
}

export function staffSignedIn () {
  return Boolean(read(KEY)?.idToken)
}

// The ID token for the insights API, refreshed when it is about to expire; null when signed out.
export async function staffToken () {
  const current = read(KEY)
  if (!current) return null
  if (Date.now() < current.expiresAt - 60_000) return current.idToken
  if (!current.refreshToken) return null
  try {
    const { clientId } = await staffPool()
    const result = await cognito('InitiateAuth', {
      ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: current.refreshToken }
    })
    keep(result.AuthenticationResult, current)
    return result.AuthenticationResult.IdToken
  } catch {
    return null
  }
}

// The forces whose figures the analyst may read: one per force-{id} group of the ID token.
export function staffForces () {
  const groups = claims(read(KEY)?.idToken || '')['cognito:groups'] || []
  return groups.map((group) => FORCE_GROUP.exec(group)?.[1]).filter(Boolean)
}

const inContactCentre = () => (claims(read(KEY)?.idToken || '')['cognito:groups'] || []).some((group) => group.startsWith('contact-'))

// Where a staff member starts: the figures, or the call handler's page for the contact centre alone.
export function staffHome () {
  return inContactCentre() && !staffForces().length ? '/call-handler.html' : '/insights.html'
}

// Forgets the tokens, and asks Cognito to end the session's refresh tokens everywhere.
export async function staffSignOut () {
  const accessToken = read(KEY)?.accessToken
  remove(KEY)
  remove(ACTIVE)
  if (!accessToken) return
  try { await cognito('GlobalSignOut', { AccessToken: accessToken }) } catch { /* the tokens are forgotten here anyway */ }
}

export function signInAgain (hash = '#expired') {
  remove(KEY)
  remove(ACTIVE)
  go(SIGN_IN_PAGE + hash)
  return new Promise(() => {}) // the page is going away
}

// The staff pages' header: their own name and menu (not the victims'), and no quick exit (a victim's tool).
export function staffChrome () {
  document.querySelector('.govuk-exit-this-page')?.remove()
  const name = $('.app-service-name')
  if (name) name.textContent = 'Force insights'
  const item = (link) => el('li', { class: 'govuk-service-navigation__item' }, link)
  const links = staffSignedIn()
    ? [(staffForces().length || !inContactCentre()) && el('a', { class: 'govuk-service-navigation__link', href: '/insights.html' }, 'Figures'),
        inContactCentre() && el('a', { class: 'govuk-service-navigation__link', href: '/call-handler.html' }, 'Find a case'),
        el('a', { class: 'govuk-service-navigation__link', href: `${SIGN_IN_PAGE}#signed-out`, 'data-staff-sign-out': true }, 'Sign out')]
    : [el('a', { class: 'govuk-service-navigation__link', href: SIGN_IN_PAGE }, 'Staff sign in')]
  $('#navigation')?.replaceChildren(...links.filter(Boolean).map(item))
  $('[data-staff-sign-out]')?.addEventListener('click', async (event) => {
    event.preventDefault()
    await staffSignOut()
    go(`${SIGN_IN_PAGE}#signed-out`)
  })
}

// The staff pages' idle time-out, as the victims' (the deployment's idleMinutes, 15 by default): a warning,
// then the staff session's sign-out and back to staff sign-in.
export async function staffIdleTimer () {
  const config = await loadConfig().catch(() => ({}))
  startIdleTimer({
    minutes: Number(config.idleMinutes) || 15,
    signOut: staffSignOut,
    signedOut: `${SIGN_IN_PAGE}#signed-out`,
    timedOut: `${SIGN_IN_PAGE}#timed-out`,
    key: ACTIVE
  })
}
