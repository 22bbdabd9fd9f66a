// The closing survey for one closed case: 3 questions and optional comments, sent once to
// POST …/survey, which stores them and passes them to the force. Refusals are shown as GOV.UK errors.
import { api } from '../api.js'
import { brandFor, rememberBranding } from '../branding.js'
import { caseFromFragment, casePath, pageFor } from '../cases.js'
import { $, busy, clearErrors, go, setTitle, show, showErrors } from '../ui.js'

const QUESTIONS = [
  { name: 'satisfaction', field: 'satisfaction-5', missing: 'Select how satisfied you are with how we kept you informed' },
  { name: 'kept_informed', field: 'kept-informed-5', missing: 'Select how well we told you what was happening with your case' },
  { name: 'easy_to_use', field: 'easy-to-use-5', missing: 'Select how easy this website was to use' }
]
const MAX_COMMENTS = 2000
const TOO_LONG = `What could we do better must be ${MAX_COMMENTS} characters or fewer`

function answers (form) {
  const body = {}
  const errors = []
  for (const question of QUESTIONS) {
    const checked = form.querySelector(`input[name="${question.name}"]:checked`)
    if (checked) body[question.name] = Number(checked.value)
    else errors.push({ field: question.field, message: question.missing })
  }
  const comments = $('#comments').value.trim()
  if (comments.length > MAX_COMMENTS) {
    errors.push({ field: 'comments', message: TOO_LONG })
  }
  body.comments = comments || null
  return { body, errors }
}

// The API's refusal as errors next to the questions: act on status and type, never on the wording.
function refusal (error) {
  if (error.status === 409) {
    return [{ field: 'satisfaction-5', message: 'You have already answered this survey for this case' }]
  }
  if (error.status === 422) {
    const name = String((error.problem && error.problem.field) || '').split('.').pop()
    const question = QUESTIONS.find((q) => q.name === name)
    if (question) return [{ field: question.field, message: question.missing }]
    if (name === 'comments') return [{ field: 'comments', message: TOO_LONG }]
    return [{ field: 'satisfaction-5', message: 'Sorry, your answers could not be sent. Check them and try again' }]
  }
  return [{ field: 'satisfaction-5', message: 'Sorry, your answers were not sent. Try again later' }]
}

export default async function page () {
  const found = caseFromFragment()
  if (!found) return go('/cases.html')
  const path = casePath(found.force_id, found.case_id)
  $('.app-back-to-case').href = pageFor('case', found.key)
  const [view, preferences] = await Promise.all([
    api('GET', path),
    api('GET', `${path}/preferences`).catch(() => null)
  ])
  rememberBranding(preferences)
  await brandFor(found.force_id)
  show($('.app-loading'), false)
  const form = $('#survey-form')
  if (view.stage !== 'closed') {
    show($('.app-not-closed'), true)
    return
  }
  show(form, true)

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const { body, errors } = answers(form)
    if (errors.length) return showErrors(form, errors)
    const button = form.querySelector('button[type=submit]')
    busy(button, true)
    try {
      await api('POST', `${path}/survey`, body)
    } catch (error) {
      busy(button, false)
      return showErrors(form, refusal(error))
    }
    clearErrors()
    form.reset()
    show(form, false)
    setTitle('Thank you')
    const thanks = $('.app-thanks')
    show(thanks, true)
    thanks.focus()
  })
}
