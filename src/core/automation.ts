// CRM automations (issue 15): what a workflow/automation step asks us to send, in CRM-neutral terms, and the pure
// mapping of its positional variables onto a template's variables.
import type { TemplateComponents, TemplateValues } from './template';
import { extractVariables } from './template-variables';

export type AutomationActionName = 'send_template' | 'send_message';

export interface AutomationTemplateChoice {
  /** Our template row id (what the dynamic options offer) or the template's name. */
  idOrName: string;
  /** Language code; when set, the template of that name in that language is sent. */
  language?: string;
}

export interface AutomationSendRequest {
  action: AutomationActionName;
  /** The CRM's execution id (or a digest of the signed call when the CRM sends none): one send per key. */
  executionKey: string;
  /** The customer's phone as the CRM holds it (normalized to E.164 by the service), or a BSUID; may be empty. */
  to?: string;
  /** The CRM's contact id: finds a customer without phone (a WhatsApp username) whose CRM record we created. */
  crmContactId?: string;
  customerName?: string;
  crmDealId?: string;
  /** Sending number: a connection id or its E.164 sender phone; the installation's first active number if unset. */
  sender?: string;
  /** send_template: the template; send_message: the optional fallback when the window is closed. */
  template?: AutomationTemplateChoice;
  /** Positional values in the template's order (header, body, buttons); empty trailing ones are dropped. */
  variables: string[];
  /** Values keyed by variable id (`body.1`, `header.1`, `button.0.1`) or by bare body key (`1`, `first_name`). */
  namedVariables?: Record<string, string>;
  /** send_message: the free-form text. */
  text?: string;
}

export type AutomationStatus = 'queued' | 'failed' | 'pending';

/** What the workflow branches on. `reasonCode` is stable; `reason` is for people. */
export interface AutomationOutcome {
  status: AutomationStatus;
  messageId: string | null;
  reasonCode: string | null;
  reason: string | null;
  duplicate: boolean;
}

/**
 * Maps the step's variables onto the template: named values by id (or bare body key), the positional rest in the
 * template's variable order. Too many positional values is an error the caller reports; missing ones are left for
 * the renderer to name.
 */
export function mapAutomationVariables(
  components: TemplateComponents,
  positional: string[],
  named: Record<string, string> = {},
): { values: TemplateValues; extra: number } {
  const variables = extractVariables(components);
  const values: TemplateValues = {};
  const byBodyKey = new Map(variables.filter((v) => v.location === 'body').map((v) => [v.key, v.id]));
  for (const [key, value] of Object.entries(named)) {
    const id = variables.some((v) => v.id === key) ? key : byBodyKey.get(key);
    // An unknown name is kept under its own key: the renderer names it as a variable the template does not have.
    values[id ?? key] = value;
  }
  const trimmed = [...positional];
  while (trimmed.length > 0 && trimmed.at(-1)!.trim() === '') trimmed.pop();
  const open = variables.filter((v) => values[v.id] === undefined);
  trimmed.forEach((value, i) => {
    const variable = open[i];
    if (variable) values[variable.id] = value;
  });
  return { values, extra: Math.max(0, trimmed.length - open.length) };
}
