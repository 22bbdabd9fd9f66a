// "People you trust": who follows the case for the victim from their own account, inviting one with a
// one-time code she hands over herself, and removing one. A delegate sees a banner instead, and none of
// the victim's own actions.
import { api } from './api.js'
import { $, busy, clearErrors, el, notify, show, showErrors, when } from './ui.js'

const SCOPES = { view: 'Can read the case', message: 'Can read the case and write to the officer' }
const STATUS = { invited: 'Invitation not used yet', expired: 'Invitation expired', active: 'Following your case' }

function delegateRow (delegate, onRemove) {
  const facts = [
    el('p', { class: 'govuk-body-s app-access__meta' }, `${delegate.relationship_label}. ${SCOPES[delegate.scope]}.`),
    el('p', { class: 'govuk-body-s app-access__meta' }, delegate.status === 'invited'
      ? `${STATUS.invited}: the code works until ${when(delegate.invitation_expires_at)}`
      : STATUS[delegate.status]),
    delegate.granted_by === 'force' ? el('p', { class: 'govuk-body-s app-access__meta' }, 'Set up by the police') : null,
    // An invitation made from another account linked to her record: she should know it was not hers
    delegate.granted_by === 'victim' && delegate.invited_by_you === false
      ? el('p', { class: 'govuk-body-s app-access__meta' }, 'Invited from another account that can see this case')
      : null
  ]
  const button = el('button', { type: 'button', class: 'govuk-button govuk-button--warning govuk-!-margin-bottom-0', 'data-module': 'govuk-button' },
    'Remove', el('span', { class: 'govuk-visually-hidden' }, ` ${delegate.name}`))
  button.addEventListener('click', () => onRemove(delegate, button))
  return el('li', { class: 'app-access__item' }, el('h3', { class: 'govuk-heading-s app-access__who' }, delegate.name), facts, button)
}

function checked (name) {
  const input = document.querySelector(`input[name="${name}"]:checked`)
  return input ? input.value : null
}

function delegateMode (view) {
  for (const selector of ['.app-access', '.app-delegates', '.app-preferences-link', '.app-survey-slot']) show($(selector), false)
  if (view.access.scope === 'view') show($('.app-messages-link'), false)
  const banner = $('.app-delegate-banner')
  banner.replaceChildren(
    el('p', { class: 'govuk-body' }, view.access.granted_by === 'force'
      ? 'The police gave you access to follow this case.'
      : 'The person this case is about gave you access to follow it.'),
    el('p', { class: 'govuk-body' }, view.access.scope === 'view'
      ? 'You can read the case. You cannot write to the officer or change how anyone is contacted.'
      : 'You can read the case and write to the officer. You cannot change how anyone is contacted.'))
  show(banner, true)
}

export async function delegatesSection (path, view) {
  if (view.access.role === 'delegate') return delegateMode(view)
  const slot = $('.app-delegates-banner-slot')
  const list = $('.app-delegate-list')
  const panel = $('.app-delegate-code')
  let shownFor = null // the invitation whose code the panel shows
  const hideCode = () => {
    shownFor = null
    $('.app-delegate-code-value').textContent = ''
    $('.app-delegate-code-name').textContent = ''
    show(panel, false)
  }
  const render = async () => {
    const { delegates } = await api('GET', `${path}/delegates`)
    list.replaceChildren(...delegates.map((delegate) => delegateRow(delegate, remove)))
    show(list, delegates.length > 0)
  }
  const remove = async (delegate, button) => {
    busy(button, true)
    try {
      await api('DELETE', `${path}/delegates/${delegate.delegation_id}`)
    } catch {
      busy(button, false)
      return notify(slot, { heading: 'Sorry, we could not remove them. Try again later.' })
    }
    if (delegate.delegation_id === shownFor) hideCode() // a removed invitation's code works no more: not left on screen
    await render()
    notify(slot, { success: true, heading: `${delegate.name} can no longer see this case` })
  }
  const form = $('#delegate-form')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const body = { name: $('#delegate-name').value.trim(), relationship: checked('relationship'), scope: checked('scope') }
    const errors = []
    if (!body.name || body.name.length > 60) errors.push({ field: 'delegate-name', message: 'Enter their name, up to 60 characters' })
    if (!body.relationship) errors.push({ field: 'relationship-family', message: 'Select who they are' })
    if (!body.scope) errors.push({ field: 'scope-view', message: 'Select what they can do' })
    if (errors.length) return showErrors(form, errors)
    const button = form.querySelector('button')
    busy(button, true)
    try {
      const created = await api('POST', `${path}/delegates`, body)
      clearErrors()
      form.reset()
      $('.app-delegate-code-value').textContent = created.invitation_code
      $('.app-delegate-code-name').textContent = created.delegate.name
      shownFor = created.delegate.delegation_id
      show(panel, true)
      panel.focus()
      await render()
    } catch (error) {
      const limit = error.status === 422 && /up to \d+ people/.test(error.problem.detail || '')
      const message = limit ? error.problem.detail.replace(/\.$/, '') : 'Sorry, we could not create the invitation. Try again later'
      showErrors(form, [{ field: 'delegate-name', message }])
    } finally {
      busy(button, false)
    }
  })
  try {
    await render()
  } catch {
    // Shown (the list is hidden while nobody follows the case): she must not read "nobody" into a failure
    list.replaceChildren(el('li', { class: 'govuk-body' }, 'We could not load the people you trust just now. Try again later.'))
    show(list, true)
  }
}
