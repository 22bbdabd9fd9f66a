// The crime categories in plain words (police.uk slugs), and which a force takes online: its
// configuration's `online_categories` when present, else every police.uk category. Fraud and cyber
// crime are never reported here: they go to Report Fraud.
export const FRAUD = 'fraud'

export const CATEGORIES = [
  { slug: 'burglary', label: 'Burglary', hint: 'Someone got into your home, garage, shed or business to steal or damage something' },
  { slug: 'vehicle-crime', label: 'A vehicle stolen, broken into or damaged', hint: 'Including things stolen from a car, van or motorbike' },
  { slug: 'bicycle-theft', label: 'A bicycle stolen' },
  { slug: 'other-theft', label: 'Something else stolen', hint: 'Like a parcel, garden furniture or a phone left somewhere' },
  { slug: 'theft-from-the-person', label: 'Something taken from you without force or threats', hint: 'Like pickpocketing or a bag snatched' },
  { slug: 'robbery', label: 'Robbery', hint: 'Something taken from you with force or threats' },
  { slug: 'shoplifting', label: 'Shoplifting' },
  { slug: 'criminal-damage-arson', label: 'Damage to property, or something set on fire', hint: 'Like graffiti or a broken window' },
  { slug: 'violent-crime', label: 'Violence, threats or a sexual offence', hint: 'Like an assault, threats to hurt you or harassment' },
  { slug: 'public-order', label: 'Threatening or abusive behaviour in public' },
  { slug: 'anti-social-behaviour', label: 'Anti-social behaviour', hint: 'Like noise, nuisance or intimidation in your area' },
  { slug: 'drugs', label: 'Drug dealing or drug use' },
  { slug: 'possession-of-weapons', label: 'Someone carrying a weapon' },
  { slug: 'other-crime', label: 'Another crime' }
]

export const FRAUD_CHOICE = {
  slug: FRAUD,
  label: 'Fraud, a scam or cyber crime',
  hint: 'Like being tricked into paying, buying something online that never came or an account hacked'
}

export function categoryLabel (slug) {
  const found = CATEGORIES.find((c) => c.slug === slug) || (slug === FRAUD ? FRAUD_CHOICE : null)
  return found ? found.label : slug
}

export function takenOnline (force, slug) {
  const online = force && Array.isArray(force.online_categories) ? force.online_categories : null
  if (slug === FRAUD) return false
  return online ? online.includes(slug) : CATEGORIES.some((c) => c.slug === slug)
}
