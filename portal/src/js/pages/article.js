// An article opened from a case page keeps its way back: "Back to your case" takes the victim to that case
// (not the browser's history, which the quick exit keeps away from the portal). The case travels only in
// the fragment, as an opaque key this tab holds; any other article page keeps "All help and support".
import { caseFromFragment, pageFor } from '../cases.js'
import { $, show } from '../ui.js'

export default async function page () {
  const found = caseFromFragment()
  if (!found) return
  const back = $('.app-back-to-case')
  back.href = pageFor('case', found.key)
  show(back, true)
  show($('.app-all-articles'), false)
}
