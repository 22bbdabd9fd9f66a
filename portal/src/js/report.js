// The online crime report, one question per page (GOV.UK question pages). main.js hands every
// report-* page to this module; the check page, the confirmation and "your reports" have their own.
import { loadConfig } from './config.js'
import { CATEGORIES, FRAUD, FRAUD_CHOICE, takenOnline } from './report-categories.js'
import { answers, draft, firstUnanswered, hasDraft, nextPage, pageOf, previousPage, saveAnswers, STEPS, startAgain, stepsFor } from './report-flow.js'
import { collect, keepRevealsTidy, restore } from './report-form.js'
import { LANGUAGE_NAMES, STEP_SPECS, givenChannels } from './report-steps.js'
import { email, signedIn } from './session.js'
import { $, el, go, show, showErrors } from './ui.js'

function radioItem (name, choice) {
  const id = `${name}-${choice.slug}`
  const hintId = `${id}-hint`
  return el('div', { class: 'govuk-radios__item' },
    el('input', { class: 'govuk-radios__input', id, name, type: 'radio', value: choice.slug, 'aria-describedby': choice.hint ? hintId : null }),
    el('label', { class: 'govuk-label govuk-radios__label', for: id }, choice.label),
    choice.hint ? el('div', { id: hintId, class: 'govuk-hint govuk-radios__hint' }, choice.hint) : null)
}

function renderChoices (step, forces) {
  if (step === 'what') {
    $('.app-category-choices').replaceChildren(
      ...CATEGORIES.map((c) => radioItem('category', c)),
      el('div', { class: 'govuk-radios__divider' }, 'or'),
      radioItem('category', FRAUD_CHOICE))
  }
  if (step === 'force') {
    $('.app-force-choices').replaceChildren(...Object.entries(forces).map(([id, force]) => radioItem('force', { slug: id, label: force.name })))
  }
  if (step === 'needs') {
    $('#language').replaceChildren(...Object.entries(LANGUAGE_NAMES).map(([code, name]) => el('option', { value: code }, name)))
  }
}

function context (forces) {
  const given = draft().answers
  return { forces, channels: givenChannels(given.you || {}) }
}

// With one force, the question is not asked: the answer is known.
function settleForce (forces) {
  const ids = Object.keys(forces)
  if (ids.length === 1 && !(answers('force').force === ids[0])) saveAnswers('force', { force: ids[0] })
}

export function chosenForce (forces) {
  const id = answers('force').force
  return id ? { id, ...(forces[id] || {}) } : null
}

function withFirstChoice (form, errors) {
  return errors.map((e) => (e.field ? e : { ...e, field: (form.querySelector('input[type=radio], input[type=checkbox]') || {}).id }))
}

async function questionPage (step, forces) {
  const changing = window.location.hash === '#change'
  const missing = firstUnanswered(forces)
  const steps = stepsFor(forces)
  // A question this report does not ask (not for its category, or out of order): back on the path
  if (!steps.includes(step)) return go(missing ? pageOf(missing) : '/report-check.html')
  if (missing && steps.indexOf(missing) < steps.indexOf(step)) return go(pageOf(missing))
  const form = $('#report-form')
  const back = $('.app-report-back')
  if (back) back.href = previousPage(step, forces, changing)
  renderChoices(step, forces)
  const spec = STEP_SPECS[step]
  const saved = answers(step)
  if (step === 'you' && !Object.keys(saved).length && signedIn()) restore(form, { email: email() || '' })
  if (step === 'needs' && !saved.language) restore(form, { language: 'en' })
  if (step === 'safe-contact') {
    const offered = context(forces).channels
    for (const channel of ['email', 'sms']) show($(`#safe-${channel}`).closest('.govuk-checkboxes__item'), offered.includes(channel))
  }
  restore(form, saved)
  keepRevealsTidy(form)
  const fromServer = (draft().serverErrors || []).filter((e) => e.step === step)
  if (fromServer.length) showErrors(form, withFirstChoice(form, fromServer))

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = collect(form)
    const errors = spec.check(values, context(forces))
    if (errors.length) return showErrors(form, withFirstChoice(form, errors))
    // Fraud, and what the force does not take online, are signposted: never kept as the report's answer
    if (step === 'what' && values.category === FRAUD) return go('/report-fraud.html')
    if (step === 'what' && !takenOnline(chosenForce(forces), values.category)) {
      saveAnswers('elsewhere', values)
      return go('/report-elsewhere.html')
    }
    saveAnswers(step, values)
    const category = answers('what').category
    if (step === 'force' && category && !takenOnline(chosenForce(forces), category)) {
      saveAnswers('elsewhere', answers('what'))
      saveAnswers('what', {})
      return go('/report-elsewhere.html')
    }
    go(nextPage(step, forces, changing))
  })
}

function startPage (forces) {
  const first = pageOf(stepsFor(forces)[0])
  const start = $('.app-report-start')
  const resume = hasDraft() && Object.keys(draft().answers).length > (Object.keys(forces).length === 1 ? 1 : 0)
  start.href = first
  if (resume) {
    const missing = firstUnanswered(forces)
    start.href = missing ? pageOf(missing) : '/report-check.html'
    start.firstChild.textContent = 'Continue your report '
    show($('.app-report-again'), true)
    $('.app-report-again').addEventListener('click', () => {
      startAgain()
      settleForce(forces)
      go(first)
    })
  }
  show($('.app-report-mine'), signedIn())
}

export default async function page (name) {
  const config = await loadConfig()
  const forces = config.forces || {}
  settleForce(forces)
  const step = name.replace(/^report-/, '')
  if (name === 'report-start') return startPage(forces)
  if (STEPS.includes(step)) return questionPage(step, forces)
  const other = {
    'report-check': () => import('./report-check.js'),
    'report-sent': () => import('./report-sent.js'),
    'report-fraud': () => import('./report-sent.js'),
    'report-elsewhere': () => import('./report-sent.js'),
    'report-mine': () => import('./report-mine.js')
  }[name]
  if (other) return (await other()).default(name, forces)
}
