// The runtime that ships is the runtime tested (issue 17): the shared inbound suites — authentication, malformed
// input, fuzz — against the Worker in workerd (local mode: wrangler's dev engine on loopback, started once for
// the whole file), exactly as they run against the app in Node.
import { crmSecuritySuite } from '../targets/suites/crm-security';
import { fuzzSuite } from '../targets/suites/fuzz';
import { inboundSecuritySuite } from '../targets/suites/inbound-security';
import { malformedInputSuite } from '../targets/suites/malformed-input';
import { messagingLimitSuite } from '../targets/suites/messaging-limits';
import { whatsapp2026WebhooksSuite } from '../targets/suites/whatsapp-2026-webhooks';
import { coexistencePricingSuite } from '../targets/suites/coexistence-pricing';
import { whatsapp2026FlowsSuite } from '../targets/suites/whatsapp-2026-flows';
import { useTarget } from '../targets/use-target';

const target = useTarget('workerd');
inboundSecuritySuite(target);
crmSecuritySuite(target);
malformedInputSuite(target);
messagingLimitSuite(target);
whatsapp2026WebhooksSuite(target);
coexistencePricingSuite(target);
whatsapp2026FlowsSuite(target);
// Last: a signed odd body may legitimately change the demo (e.g. an INSTALL event that stays valid).
fuzzSuite(target);
