// Caseline's victim API: the ID token as Authorization; problem details (RFC 9457) on errors.
import { apiUrl, loadConfig } from './config.js'
import { forget, idToken } from './session.js'
import { write } from './storage.js'

// Downloading data and closing the account need a sign-in in the last 15 minutes (docs/api.md).
export const RECENT_SIGN_IN_REQUIRED = 'urn:caseline:problem:recent-sign-in-required'

export class ApiError extends Error {
  constructor (status, problem) {
    super(problem.title || `HTTP ${status}`)
    this.status = status
    this.type = problem.type || ''
    this.problem = problem
  }
}

// returnTo: where to come back to after signing in again, when the API asks for a recent sign-in.
export async function api (method, path, body, { auth = true, raw = false, returnTo = null } = {}) {
  const config = await loadConfig()
  const headers = { Accept: 'application/json' }
  if (auth) {
    const token = await idToken()
    if (!token) return signInAgain()
    headers.Authorization = token
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const response = await fetch(apiUrl(config, path), {
    method,
    headers,
    credentials: 'omit',
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  if (!response.ok) {
    let problem = {}
    try { problem = await response.json() } catch { /* not JSON */ }
    if (response.status === 401 && auth) {
      return signInAgain(problem.type === RECENT_SIGN_IN_REQUIRED ? returnTo || window.location.pathname : null)
    }
    throw new ApiError(response.status, problem)
  }
  if (raw) return response
  return response.status === 204 ? null : response.json()
}

function signInAgain (returnTo = null) {
  forget()
  if (returnTo) {
    write('returnTo', returnTo) // read once by the sign-in page (a path on this site only)
    window.location.replace('/sign-in.html#sign-in-again')
  } else {
    window.location.replace('/sign-in.html#expired')
  }
  return new Promise(() => {}) // the page is going away
}
