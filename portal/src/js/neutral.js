// What the tab's title and address may say in neutral mode (a case's safe-contact profile says not to name
// the police). A tab's title is shown by the phone's app switcher and kept in the browser's history, as is
// every address the tab visits; so in neutral mode only titles that name no crime, police or support are
// shown, every other page is titled "Your account", and support articles are opened at an opaque address.
// Pure functions, no DOM or storage: build.mjs uses them too.

export const SERVICE = 'Follow your case'
export const NEUTRAL_SERVICE = 'Your account'

// Pages whose own title may be shown in neutral mode. Any other (an article, "Help and support", "Report a
// crime", a report question) shows the neutral service name alone.
const NEUTRAL_TITLES = new Set([
  'Your case', 'Your cases', 'Messages', 'How we contact you', 'Your data', 'Add your case',
  'Follow a case with an invitation code', 'Tell us how we did', 'Thank you',
  'Sign in', 'Create an account', 'Check your email', 'Reset your password', 'Enter the code from your authenticator app',
  'You have signed out', 'You have been signed out', 'You have signed out on this device', 'Your account is closed',
  'Accessibility statement', 'Privacy notice', 'Cookies'
])

// The account page is "Your account" on a branded page; in neutral mode the header is already "Your account"
// (a link to the start page), so the page and its menu item are "Your data".
const NEUTRAL_NAMES = { 'Your account': 'Your data' }

export function neutralName (title) {
  return NEUTRAL_NAMES[title] || title
}

// The tab's title for a page: "{title} – {service}", "Error: " first while the page shows an error.
export function documentTitle (title, { neutral = false, error = false } = {}) {
  const service = neutral ? NEUTRAL_SERVICE : SERVICE
  const shown = neutral ? neutralName(title) : title
  const named = !neutral || NEUTRAL_TITLES.has(shown)
  const text = !named || !shown || shown === service ? service : `${shown} – ${service}`
  return `${error ? 'Error: ' : ''}${text}`
}

// A support article's opaque name (8 hex digits, FNV-1a of its slug): the build writes every article at
// /articles/<slug>.html and again at /articles/<id>.html, which neutral mode uses instead.
export const ARTICLE_ID = /^[0-9a-f]{8}$/

export function articleId (slug) {
  let hash = 0x811c9dc5
  for (const char of slug) {
    hash ^= char.codePointAt(0)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

// An article's address: by its slug, or in neutral mode by its opaque id.
export function articlePath (slug, neutral) {
  return `/articles/${neutral ? articleId(slug) : slug}.html`
}

// A portal address as neutral mode opens it: an article's slug becomes its opaque id; anything else as it is.
export function neutralPath (path) {
  return path.replace(/^\/articles\/([a-z0-9-]+)\.html(?=$|[?#])/, (whole, name) => ARTICLE_ID.test(name) ? whole : articlePath(name, true))
}
