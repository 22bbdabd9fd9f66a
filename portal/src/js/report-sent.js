// The pages that end a report: the confirmation with its reference, the Report Fraud signpost, and
// "this force does not take this online" with where to go instead.
import { categoryLabel } from './report-categories.js'
import { answers, sent } from './report-flow.js'
import { $, el, go, show } from './ui.js'

function confirmation () {
  const done = sent()
  if (!done || !done.reference) return go('/report-start.html')
  $('.app-reference').textContent = done.reference
  if (done.channel) {
    // Not "we have sent": one address or number gets at most 3 references a day (docs/api.md), and the
    // answer does not say whether this one went (that would tell whoever sent the form).
    $('.app-sent-by').textContent = `We will also send it to you by ${done.channel}, unless we have already ` +
      'sent 3 report references there today. Make a note of it now.'
  }
  show($('.app-signed-in-next'), Boolean(done.signedIn))
  show($('.app-signed-out-next'), !done.signedIn)
}

function elsewhere (forces) {
  const id = answers('force').force
  const force = forces[id] || {}
  const category = answers('elsewhere').category
  $('.app-category').textContent = category ? categoryLabel(category).toLowerCase() : 'this crime'
  document.querySelectorAll('.app-force-title').forEach((node) => { node.textContent = force.name || 'your police force' })
  document.querySelectorAll('.app-force-phone').forEach((node) => { node.textContent = force.phone || '101' })
  const site = force.web || force.website
  if (site && /^https:\/\//.test(site)) {
    $('.app-force-site').replaceChildren(
      'You can also find other ways to report on the ',
      el('a', { class: 'govuk-link', href: site, rel: 'noreferrer' }, `${force.name || 'force'} website`), '.')
  }
}

export default async function page (name, forces) {
  if (name === 'report-sent') return confirmation()
  if (name === 'report-elsewhere') return elsewhere(forces)
}
