// What the template lint reports (template-lint.ts), and how its rule files (template-lint-buttons.ts) report it:
// apart from both, so that the rule files import nothing of the lint that calls them (no import cycle).
export interface LintFinding {
  code: string;
  severity: 'error' | 'warning';
  /** Where in the draft: `name`, `components.body`, `components.buttons.2.text`, `examples.body.1`, … */
  path: string;
  message: string;
  /** The values in `message` (limits, lengths, variables), so a page can say it in its own language. */
  params?: LintParams;
}

export type LintParams = Record<string, string | number | string[]>;

/** How a rule reports a finding. */
export type Emit = (
  code: string,
  severity: LintFinding['severity'],
  path: string,
  message: string,
  params?: LintParams,
) => void;
