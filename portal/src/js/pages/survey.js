// There is no API for the closing survey yet: the answers are checked and then thrown away.
import { $, clearErrors, setTitle, show, showErrors } from '../ui.js'

export default async function page () {
  const form = $('#survey-form')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (!form.querySelector('input[name="satisfied"]:checked')) {
      return showErrors(form, [{ field: 'satisfied-5', message: 'Select how satisfied you are with how we kept you informed' }])
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
