// The signed-in session: Cognito tokens in memory and in sessionStorage (never localStorage).
import { cognito } from './cognito.js'
import { apiUrl, loadConfig } from './config.js'
import { clearAll, read, write } from './storage.js'

const SIGN_OUT_PATH = '/v1/me/sign-out-everywhere'
let current = read('session')
let configNow = null // the configuration once loaded: quick exit cannot wait for it

function keepConfig () {
  if (!configNow) loadConfig().then((config) => { configNow = config }).catch(() => {})
}
if (current) keepConfig()

export function claims (token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    return JSON.parse(atob(part))
  } catch {
    return {}
  }
}

export function signedIn () {
  return Boolean(current && current.idToken)
}

export function store (result, previous = {}) {
  keepConfig()
  const idToken = result.IdToken
  current = {
    idToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken || previous.refreshToken,
    expiresAt: (claims(idToken).exp || 0) * 1000
  }
  write('session', current)
}

export async function idToken () {
  if (!current) return null
  if (Date.now() < current.expiresAt - 60_000) return current.idToken
  if (!current.refreshToken) return null
  try {
    const result = await cognito('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: current.refreshToken }
    })
    store(result.AuthenticationResult, current)
    return current.idToken
  } catch {
    return null
  }
}

// The victim API's "sign out everywhere": from now on it refuses every token of a session begun before,
// and Cognito refuses their refresh tokens (an ID token alone is still accepted by the gateway for up to
// 15 minutes, so only the API can end it at once). Same origin, so keepalive needs no preflight.
function endSessions (config, token, keepalive = false) {
  return fetch(apiUrl(config, SIGN_OUT_PATH), {
    method: 'POST',
    headers: { Authorization: token, Accept: 'application/json' },
    credentials: 'omit',
    cache: 'no-store',
    keepalive
  })
}

// Signs out on every device, then forgets everything this tab holds. Resolves to whether the other
// devices were signed out too (false when the API refused or could not be reached; Cognito's own
// GlobalSignOut is then asked, so at least the refresh tokens stop working).
export async function signOut () {
  const token = await idToken()
  const accessToken = current && current.accessToken
  current = null
  clearAll()
  if (!token && !accessToken) return true
  if (token) {
    try {
      const response = await endSessions(await loadConfig(), token)
      if (response.ok) return true
    } catch { /* not reachable: fall through */ }
  }
  if (accessToken) {
    try { await cognito('GlobalSignOut', { AccessToken: accessToken }) } catch { /* nothing more to try */ }
  }
  return false
}

// Quick exit: end every session without waiting (the request outlives the page), then forget. Never
// delays leaving: no await, and nothing at all when the configuration or the token is not at hand.
export function signOutInBackground () {
  const token = current && current.idToken
  if (token && configNow) {
    try { endSessions(configNow, token, true).catch(() => {}) } catch { /* leave anyway */ }
  }
  forget()
}

export function forget () {
  current = null
  clearAll()
}

export function email () {
  return current ? claims(current.idToken).email || null : null
}
