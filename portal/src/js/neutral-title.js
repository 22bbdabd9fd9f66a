// Neutral mode's tab title before the page's own: a classic script in <head> before <title> (modules wait
// for the whole page). Setting document.title with no <title> yet creates one, and the first <title> is the
// document's, so the page's own title, which may name a crime or support, is never the tab's, not even for
// a moment, nor put in the browser's history. The build writes the neutral title on
// <html data-neutral-title> (neutral.js); branding.js removes the page's own <title> and keeps it so.
(function () {
  try {
    if (JSON.parse(window.sessionStorage.getItem('caseline.neutral')) === true) {
      document.title = document.documentElement.getAttribute('data-neutral-title') || 'Your account'
    }
  } catch (error) { /* storage blocked: not neutral mode */ }
})()
