import { api } from '../api.js'
import { forceDetails, loadConfig } from '../config.js'
import { myDataView } from '../my-data-view.js'
import { neutralName } from '../neutral.js'
import { forget } from '../session.js'
import { $, busy, go, neutralMode, notify, show, showErrors } from '../ui.js'

const AGAIN = {
  '#view': { heading: 'You have signed in again', body: ['Your data is shown below.'] },
  '#download': { heading: 'You have signed in again', body: ['You can now download your data.'] },
  '#close': { heading: 'You have signed in again', body: ['You can now close your account.'] }
}

// "See your data": the download, in plain English on this page (the same recent sign-in applies).
async function showData (button) {
  busy(button, true)
  try {
    const data = await api('GET', '/v1/me/data', undefined, { returnTo: '/my-data.html#view' })
    const config = await loadConfig()
    const view = myDataView(data, { onPrint: () => window.print(), forceName: (id) => forceDetails(config, id).name })
    const section = $('.app-my-data')
    section.replaceChildren(...view.flat(2).filter(Boolean))
    show(section, true)
    $('#my-data-heading').focus()
  } catch {
    notify($('.app-banner-slot'), { heading: 'Sorry, we could not get your data', body: ['Try again later.'] })
  } finally {
    busy(button, false)
  }
}

export default async function page () {
  // In neutral mode the header is "Your account" (a link to the start page): this page is "Your data"
  if (neutralMode()) $('.app-account-heading').textContent = neutralName('Your account')
  const download = $('.app-download')
  const view = $('.app-view-data')
  view.addEventListener('click', () => showData(view))
  // Back from signing in again (the API asks for a recent sign-in): the victim is where they left off
  const again = AGAIN[window.location.hash]
  if (again) {
    notify($('.app-banner-slot'), { success: true, ...again })
    if (window.location.hash === '#view') await showData(view)
    else (window.location.hash === '#download' ? download : $('#confirm-close')).focus()
  }
  download.addEventListener('click', async () => {
    busy(download, true)
    try {
      const response = await api('GET', '/v1/me/data', undefined, { raw: true, returnTo: '/my-data.html#download' })
      const blob = await response.blob()
      const url = URL.createObjectURL(blob)
      const link = document.createElement('a')
      link.href = url
      link.download = 'caseline-my-data.json'
      link.hidden = true
      document.body.append(link)
      link.click()
      link.remove()
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000)
      notify($('.app-banner-slot'), { success: true, heading: 'Your data has been downloaded', body: ['Look for caseline-my-data.json in your downloads. Delete it when you no longer need it.'] })
    } catch {
      notify($('.app-banner-slot'), { heading: 'Sorry, we could not get your data', body: ['Try again later.'] })
    } finally {
      busy(download, false)
    }
  })

  const form = $('#close-form')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (!$('#confirm-close').checked) {
      return showErrors(form, [{ field: 'confirm-close', message: 'Confirm that you understand closing your account cannot be undone' }])
    }
    const button = form.querySelector('button')
    busy(button, true)
    try {
      await api('DELETE', '/v1/me', undefined, { returnTo: '/my-data.html#close' })
      forget()
      go('/signed-out.html#closed')
    } catch {
      showErrors(form, [{ field: 'confirm-close', message: 'Sorry, we could not close your account. Try again later' }])
      busy(button, false)
    }
  })
}
