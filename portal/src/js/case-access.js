// "Who can see this case": the accounts linked to it, and removing one that is not yours.
import { api } from './api.js'
import { $, busy, el, notify, when } from './ui.js'

function accountRow (account, onRemove) {
  const who = account.email || 'An account'
  // Sign-ins tell the victim whether another account is being used; about their own ("You") they say
  // nothing new, and "not signed in" would be wrong while they are
  const facts = [
    el('p', { class: 'govuk-body-s app-access__meta' }, `Linked ${when(account.linked_at)}`),
    account.you
      ? null
      : el('p', { class: 'govuk-body-s app-access__meta' },
        account.last_signed_in_at ? `Last signed in ${when(account.last_signed_in_at)}` : 'Not signed in since it was linked')
  ]
  const action = account.you
    ? el('p', { class: 'govuk-body-s' }, 'This is the account you are signed in with.')
    : el('button', { type: 'button', class: 'govuk-button govuk-button--warning govuk-!-margin-bottom-0', 'data-module': 'govuk-button' },
      'Remove access', el('span', { class: 'govuk-visually-hidden' }, ` for ${who}`))
  if (!account.you) action.addEventListener('click', () => onRemove(account, action))
  return el('li', { class: 'app-access__item' },
    el('h3', { class: 'govuk-heading-s app-access__who' }, who,
      account.you ? el('strong', { class: 'govuk-tag govuk-tag--blue app-access__tag' }, 'You') : null),
    facts, action)
}

export async function accessSection (path) {
  const slot = $('.app-access-banner-slot')
  const render = async () => {
    const { accounts } = await api('GET', `${path}/accounts`)
    $('.app-access-list').replaceChildren(...accounts.map((account) => accountRow(account, remove)))
  }
  const remove = async (account, button) => {
    busy(button, true)
    try {
      await api('DELETE', `${path}/accounts/${account.link_id}`)
    } catch (error) {
      busy(button, false)
      if (error.status === 404) await render()
      notify(slot, { heading: error.status === 404 ? 'That account no longer has access.' : 'Sorry, we could not remove that account. Try again later.' })
      return
    }
    await render()
    notify(slot, {
      success: true,
      heading: `${account.email || 'The account'} can no longer see this case`,
      body: ['If you did not know about it, call the police on 101 to ask for a new access code.']
    })
  }
  try {
    await render()
  } catch {
    $('.app-access-list').replaceChildren(el('li', { class: 'govuk-body' }, 'We could not load the accounts just now. Try again later.'))
  }
}
