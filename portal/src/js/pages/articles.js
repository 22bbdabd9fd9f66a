// Search needs JavaScript (the public article API); browsing the list works without it.
import { api } from '../api.js'
import { articlePath } from '../neutral.js'
import { $, el, neutralMode, setTitle } from '../ui.js'

function render (results, query) {
  const slot = $('.app-search-results')
  const heading = el('h2', { class: 'govuk-heading-m', tabindex: '-1' },
    results.length ? `${results.length} result${results.length === 1 ? '' : 's'} for ‘${query}’` : `No results for ‘${query}’`)
  const list = el('ul', { class: 'govuk-list app-article-list' }, results.map((article) => el('li', {},
    el('a', { class: 'govuk-link', href: articlePath(article.slug, neutralMode()) }, article.title),
    el('p', { class: 'govuk-body govuk-!-margin-top-1' }, article.summary))))
  const hint = results.length ? null : el('p', { class: 'govuk-body' }, 'Check the spelling, or try fewer or different words.')
  slot.replaceChildren(heading, hint || list)
  heading.focus()
}

export default async function page () {
  const form = $('#search-form')
  const input = $('#q')
  const search = async (query) => {
    const answer = await api('GET', `/v1/articles?q=${encodeURIComponent(query)}&limit=20`, undefined, { auth: false })
    render(answer.articles, query)
    setTitle('Search results')
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const query = input.value.trim()
    if (!query) {
      $('.app-search-results').replaceChildren()
      return
    }
    try {
      await search(query)
    } catch {
      $('.app-search-results').replaceChildren(el('p', { class: 'govuk-body' }, 'Sorry, search is not working. You can still browse the list below.'))
    }
  })
}
