// A Victim Personal Statement on the case page: what one is and how it can be used (GOV.UK-style
// guidance), a request to the officer to take or update one, and where the request stands (requested,
// then taken when the force says so). The officer takes the statement in the force's own process.
import { api } from './api.js'
import { $, el, notify, show, showErrors, submitWhileBusy, when } from './ui.js'

const USES = {
  'read-by-me': 'read aloud by you',
  'read-by-someone-else': 'read aloud by someone you choose',
  'read-by-prosecutor': 'read aloud by the prosecutor',
  'considered-only': 'read by the court, not aloud'
}

function showStatus (request) {
  const asked = request.kind === 'update' ? 'to update your statement' : 'to make a statement'
  const said = [`You asked ${asked} on ${when(request.requested_at)}, ${USES[request.use]}.`]
  said.push(request.state === 'taken'
    ? `Your officer took your statement on ${when(request.taken_at)}. You can ask to update it below.`
    : 'Your officer will contact you to take it.')
  $('.app-statement-tag').textContent = request.state === 'taken' ? 'Taken' : 'Requested'
  $('.app-statement-lines').replaceChildren(...said.map((text) => el('p', { class: 'govuk-body' }, text)))
  show($('.app-statement-status'), true)
  show($('#statement-form'), request.state === 'taken')
  if (request.state === 'taken') $('#statement-kind-update').checked = true
}

function chosen (name) {
  const checked = document.querySelector(`input[name="${name}"]:checked`)
  return checked ? checked.value : null
}

function listen (path) {
  const form = $('#statement-form')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const kind = chosen('statement-kind')
    const use = chosen('statement-use')
    const missing = [
      kind ? null : { field: 'statement-kind-make', message: 'Select whether you want to make or update a statement' },
      use ? null : { field: 'statement-use-read-by-me', message: 'Select how you would like it to be used' }
    ].filter(Boolean)
    if (missing.length) return showErrors(form, missing)
    submitWhileBusy(form, async () => {
      showStatus(await api('POST', `${path}/statement-request`, { kind, use }))
      notify($('.app-statement-banner-slot'), {
        success: true,
        heading: 'We have asked your officer to take your statement',
        body: ['They will contact you in the way you have told us is safe.']
      })
    }, (error) => ({
      field: 'statement-kind-make',
      message: error.status === 409 ? 'Your case is closed. Call 101 to ask about a statement.' : 'Sorry, we could not send your request. Try again later.'
    }))
  })
}

export function statementSection (path, view) {
  const open = view.stage !== 'closed'
  show($('.app-statement'), open || Boolean(view.statement))
  if (view.statement) showStatus(view.statement)
  show($('#statement-form'), open && (!view.statement || view.statement.state === 'taken'))
  if (open) listen(path)
}
