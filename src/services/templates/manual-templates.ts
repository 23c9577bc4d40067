// Templates registered by hand, for providers without a template list API: the connection's provider module says
// whether it takes them (`manualTemplates`) and builds the stored template; the store keeps one row per template id.
import { PROVIDER_MODULES, providerModule } from '../../../adapters/providers/registry';
import type { ManualTemplateInput } from '../../../adapters/providers/provider-module';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { checkRegistration } from '../../core/template-registration';
import type { Connection } from '../../store/connections';
import type { StoredTemplate } from '../../store/templates';

/** "Only X templates are registered by hand", naming the providers whose module takes them. */
function notByHandMessage(): string {
  const labels = Object.values(PROVIDER_MODULES)
    .filter((module) => module.manualTemplates)
    .map((module) => module.label);
  return labels.length
    ? `Only ${labels.join(' and ')} templates are registered by hand; sync the others`
    : 'Templates are not registered by hand; sync them';
}

/** Registers a template the admin typed for `connection` (409 when its provider lists its own templates). */
export async function registerManualTemplate(
  ctx: AppContext,
  connection: Connection,
  input: ManualTemplateInput,
): Promise<StoredTemplate | null> {
  const manual = providerModule(connection.provider).manualTemplates;
  if (!manual) throw new AppError('conflict', notByHandMessage());
  // The builder's lint, the language list and the namespace shape, each problem on its field (issue 14).
  const problems = checkRegistration(input);
  if (problems.length)
    throw new AppError('invalid_request', 'The template cannot be registered as written', problems);
  const template = manual.build(input);
  await ctx.templates.insertManual(connection.id, template, ctx.now());
  return ctx.templates.findByProviderId(connection.id, template.providerTemplateId, connection.provider);
}
