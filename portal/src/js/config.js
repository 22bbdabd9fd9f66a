// The deployment's configuration: config.json next to the site, or the local stack's
// /_local/config.json. Forces' names, colours and phone numbers come from here.
let loading = null

const DEFAULT_FORCE = { name: 'your police force', colour: '#0b0c0c', phone: '101' }

// Abandoned after 20 s, as the API's requests are (api.js): a page never waits for ever.
const CONFIG_TIMEOUT_MS = 20_000

async function fetchJson (path) {
  const response = await fetch(path, { cache: 'no-store', credentials: 'same-origin', signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS) })
  if (!response.ok) throw new Error(`config ${response.status}`)
  return response.json()
}

// The local development stack: it says so, or its Cognito proxy is one of its /_local/ pages.
function isLocal (config) {
  return config.local === true || String(config.cognitoEndpoint || '').includes('/_local/')
}

export function loadConfig () {
  if (!loading) {
    loading = fetchJson('/config.json')
      .then((config) => ({ ...config, local: config.local === true }))
      .catch(() => fetchJson('/_local/config.json').then((config) => ({ ...config, local: true })))
      .then((config) => ({ ...config, local: isLocal(config), forces: config.forces || {} }))
  }
  return loading
}

// A force's name, colour and phone; a neutral fallback while the configuration has no `forces`.
export function forceDetails (config, forceId) {
  const found = (config.forces || {})[forceId]
  if (found) return { ...DEFAULT_FORCE, ...found, known: true }
  const name = forceId ? forceId.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') + ' Police' : DEFAULT_FORCE.name
  return { ...DEFAULT_FORCE, name, known: false }
}

// Minutes without activity before the idle time-out signs the victim out (`idleMinutes`, 15 by default).
export function idleMinutes (config) {
  return Number(config && config.idleMinutes) || 15
}

// How long before the time-out the idle warning comes: 2 minutes, or half of a time-out shorter than 4.
export function warningMinutes (minutes, warnMinutes = 2) {
  return Math.min(minutes / 2, warnMinutes)
}

// A time as the victim would say it: "15 minutes", or for a short one "30 seconds".
export function idleTime (minutes) {
  const seconds = Math.round(minutes * 60)
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const whole = Math.round(minutes)
  return `${whole} minute${whole === 1 ? '' : 's'}`
}

export function apiUrl (config, path) {
  return (config.apiUrl || '').replace(/\/$/, '') + path
}
