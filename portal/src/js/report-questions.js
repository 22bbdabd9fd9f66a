// Written from layers/core/caseline/domain/report_questions.py (the rule the API's validation
// follows too): python -m caseline.domain.report_questions > portal/src/js/report-questions.js
// The question pages asked only for some categories, with those categories; every other page is
// asked for every category.
export const ASKED_ONLY_FOR = {
  "items": [
    "bicycle-theft",
    "burglary",
    "criminal-damage-arson",
    "other-crime",
    "other-theft",
    "robbery",
    "shoplifting",
    "theft-from-the-person",
    "vehicle-crime"
  ],
  "injury": [
    "criminal-damage-arson",
    "other-crime",
    "public-order",
    "robbery",
    "violent-crime"
  ],
  "vehicle": [
    "vehicle-crime"
  ]
}

export function asked (step, category) {
  const only = ASKED_ONLY_FOR[step]
  return !only || !category || only.includes(category)
}
