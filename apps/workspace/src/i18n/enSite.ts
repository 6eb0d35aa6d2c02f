/** English strings of the admin's "Site & security" page (SiteSecurityAdmin.tsx). */
export const enSite = {
  'admin.tab.site': 'Site & security',
  'site.loading': 'Loading…',
  'site.embedTitle': 'Embed the widget',
  'site.siteKey': 'Site key',
  'site.secretTitle': 'Identity secret',
  'site.secretHelp':
    'Your backend signs logged-in visitors with this secret (README, “Identified visitors”). Keep it on your server only; never put it in page code.',
  'site.secret': 'Secret',
  'site.reveal': 'Reveal',
  'site.secretShown': 'Shown to you now; revealing and rotating the secret are recorded in the audit log.',
  'site.rotate': 'Rotate',
  'site.rotateConfirm': 'Create a new identity secret? Identities signed with the old one stop working after the overlap you chose.',
  'site.overlap': 'Old secret still accepted for',
  'site.overlapNone': 'no overlap',
  'site.overlapHours': '{hours} hours',
  'site.previousUntil': 'The previous secret is accepted until {time}.',
  'site.originsTitle': 'Sites allowed to embed the widget',
  'site.originsHelp':
    'One origin per line, such as https://www.example.com. This server ({origin}) is always allowed; any other site can show the widget only when it is listed here.',
  'site.originsInvalid': 'Each line must be an origin like https://www.example.com (scheme, host and optional port, no path).',
  'site.save': 'Save',
  'site.saved': 'Saved',
} as const;
