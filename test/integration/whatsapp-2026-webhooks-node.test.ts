// The user_preferences / template_category_update suite against the app in Node (the same suite runs in workerd:
// workerd-inbound.test.ts).
import { whatsapp2026WebhooksSuite } from '../targets/suites/whatsapp-2026-webhooks';
import { useTarget } from '../targets/use-target';

whatsapp2026WebhooksSuite(useTarget('node'));
