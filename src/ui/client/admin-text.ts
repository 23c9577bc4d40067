// The admin page's words, keyed as the page catalogue (`admin.*`, `{name}` parameters) so they move into the
// localisation module's catalogues as they are; until then this English table answers `t()`.
const EN = {
  'admin.field.required': 'Required.',
  'admin.connection.rejected': 'The provider rejected these credentials.',
  'admin.connection.fixFields': 'Check the fields marked below.',
  'admin.templates.none': 'No templates yet: press “Sync now”.',
  'admin.templates.noneManual': 'No templates yet: register an approved template below.',
  'admin.templates.connectFirst': 'Connect a number first.',
  'admin.templates.manualSource': 'Registered by hand',
  'admin.templates.syncedSource': 'Synced {ago}',
  'admin.templates.edit': 'Edit and resubmit',
  'admin.templates.editLabel': 'Edit and resubmit {name}',
  'admin.templates.loaded': 'Loaded {name} into the builder: fix it, then submit it again.',
  'admin.templates.noSync':
    'This provider has no template list to sync: register its approved templates by hand below.',
  'admin.status.APPROVED': 'Approved: agents can send it',
  'admin.status.PENDING': 'In review at WhatsApp',
  'admin.status.REJECTED': 'Rejected',
  'admin.status.PAUSED': 'Paused by WhatsApp after poor feedback',
  'admin.status.DISABLED': 'Disabled by WhatsApp',
  'admin.status.other': 'Status: {status}',
  'admin.reason.PROMOTIONAL':
    'WhatsApp found promotional content in a template of another category: submit it as Marketing, or keep ' +
    'the text strictly about the customer’s order or account.',
  'admin.reason.INCORRECT_CATEGORY':
    'The category does not fit the content: choose Marketing, Utility or Authentication to match the text.',
  'admin.reason.INVALID_FORMAT':
    'The format is invalid: check the variables (none at the start or end, none side by side), their examples ' +
    'and the buttons.',
  'admin.reason.ABUSIVE_CONTENT': 'WhatsApp found wording against its policies (abusive or threatening).',
  'admin.reason.SCAM':
    'WhatsApp suspected a scam: avoid misleading promises, shortened links and requests for sensitive data.',
  'admin.reason.TAG_CONTENT_MISMATCH':
    'The language or category chosen does not match the text (e.g. the body is not in the chosen language).',
  'admin.reason.CATEGORY_NOT_AVAILABLE': 'This category is not available to this WhatsApp account.',
  'admin.reason.other':
    'WhatsApp gave no reason this page knows: open the template in the provider’s console.',
  'admin.reason.providerSays': 'The provider adds: “{text}”',
  'admin.manual.registered': 'Registered {name}: agents can send it now.',
  'admin.campaigns.csvHint':
    'CSV with a header row: a phone column (a phone number, or the business-scoped user ID of a customer who ' +
    'uses a WhatsApp username, e.g. US.1349…), then one column per template variable (1, 2 or their names).',
  'admin.campaigns.name': 'Campaign name',
  'admin.campaigns.namePlaceholder': 'Spring sale — Milan customers',
  'admin.campaigns.number': 'Number',
  'admin.campaigns.template': 'Template',
  'admin.campaigns.csv': 'Recipients (CSV)',
  'admin.campaigns.tier': 'Messaging tier',
  'admin.campaigns.tierRefuse': 'Refuse if over the messaging tier',
  'admin.campaigns.tierSpread': 'Spread over the following days',
  'admin.campaigns.check': 'Check recipients',
  'admin.campaigns.start': 'Start campaign',
  'admin.campaigns.chooseCsv': 'Choose a CSV file first.',
  'admin.campaigns.checking': 'Checking recipients…',
  'admin.campaigns.checked': 'Checked: review the recipients, then start.',
  'admin.campaigns.starting': 'Starting…',
  'admin.campaigns.started': 'Campaign started.',
  'admin.campaigns.failed': 'Something failed: try again.',
  'admin.campaigns.sendable':
    '{sendable} will receive the template ({valid} valid numbers, {duplicates} duplicates merged)',
  'admin.campaigns.notSendable':
    '{invalid} invalid numbers, {optedOut} opted out, {missing} missing variables',
  'admin.campaigns.estimate': 'Estimated cost: {cost} for {billable} billable messages',
  'admin.campaigns.tierFits': 'Within the messaging tier',
  'admin.campaigns.tierOver': 'Over the messaging tier: room for {room} new customers in 24 h',
  'admin.campaigns.tierOthers': ' ({n} taken by other campaigns of this number)',
  'admin.campaigns.tierDays': ', spread over {days} days',
  'admin.campaigns.badRows': 'Rows that will not be sent',
  'admin.campaigns.badRowsMore':
    'Showing {shown} of {total}: the outcome CSV lists every row once the campaign runs.',
  'admin.campaigns.row': 'Row',
  'admin.campaigns.input': 'Input',
  'admin.campaigns.reason': 'Reason',
  'admin.campaigns.reason.empty': 'No phone number in this row.',
  'admin.campaigns.reason.invalid_characters': 'Has characters a phone number cannot have.',
  'admin.campaigns.reason.missing_country': 'No country code: add it, e.g. +39 347 123 4567.',
  'admin.campaigns.reason.invalid_number': 'Not a valid phone number.',
  'admin.campaigns.reason.phone_required': 'This customer can only be reached by phone number here.',
  'admin.campaigns.reason.missing': 'No value for {variables}.',
  'admin.campaigns.reason.optedOut': 'Opted out of marketing messages.',
  'admin.campaigns.list': 'Campaigns',
  'admin.campaigns.none': 'No campaign yet.',
  'admin.campaigns.progressOf': 'Progress of {name}',
  'admin.campaigns.percent': '{percent} % · {status}',
  'admin.campaigns.counts':
    'queued {queued} · sent {sent} · delivered {delivered} · read {read} · failed {failed} · skipped {skipped} · unknown {unknown}',
  'admin.campaigns.pause': 'Pause',
  'admin.campaigns.resume': 'Resume',
  'admin.campaigns.cancel': 'Cancel',
  'admin.campaigns.confirmCancel':
    'Cancel “{name}”? The {queued} recipients not sent yet will not get the template. This cannot be undone.',
  'admin.campaigns.download': 'Download outcomes (CSV)',
  'admin.campaigns.open': 'Open {name}',
  'admin.campaigns.back': 'All campaigns',
  'admin.campaigns.status.scheduled': 'scheduled',
  'admin.campaigns.status.running': 'running',
  'admin.campaigns.status.paused': 'paused',
  'admin.campaigns.status.cancelled': 'cancelled',
  'admin.campaigns.status.completed': 'completed',
  'admin.campaigns.funnel': 'Where the messages are',
  'admin.campaigns.funnel.sent': 'Sent',
  'admin.campaigns.funnel.delivered': 'Delivered',
  'admin.campaigns.funnel.read': 'Read',
  'admin.campaigns.funnel.failed': 'Failed',
  'admin.campaigns.funnel.capped': 'Capped by WhatsApp',
  'admin.campaigns.overTime': 'Sends and deliveries over time',
  'admin.campaigns.overTimeEmpty': 'Nothing sent yet.',
  'admin.campaigns.showNumbers': 'Show the numbers',
  'admin.campaigns.time': 'Time',
  'admin.campaigns.cost': 'Cost',
  'admin.campaigns.costEstimated': 'Estimated before the start',
  'admin.campaigns.costReported': 'Reported by the provider ({messages} messages)',
  'admin.campaigns.costNone': 'No estimate',
  'admin.campaigns.notFound': 'This campaign was not found.',
} as const;

export type AdminKey = keyof typeof EN;

export function t(key: AdminKey, params: Record<string, string | number> = {}): string {
  return EN[key].replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all));
}

export function hasText(key: string): key is AdminKey {
  return key in EN;
}
