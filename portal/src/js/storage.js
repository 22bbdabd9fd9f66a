// Everything the portal keeps is in sessionStorage (gone when the tab closes, cleared on sign-out and
// quick exit). Nothing is ever written to localStorage or cookies.
const PREFIX = 'caseline.'

export function read (key) {
  try {
    const value = window.sessionStorage.getItem(PREFIX + key)
    return value === null ? null : JSON.parse(value)
  } catch {
    return null
  }
}

export function write (key, value) {
  try {
    window.sessionStorage.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    // storage full or blocked: the portal still works for this page
  }
}

export function remove (key) {
  try { window.sessionStorage.removeItem(PREFIX + key) } catch { /* blocked */ }
}

export function clearAll () {
  try { window.sessionStorage.clear() } catch { /* blocked */ }
}
