// The shared inbound-authentication suite (test/targets/suites) against the app in this process; the same suite
// runs against the Worker in workerd in workerd-inbound.test.ts.
import { crmSecuritySuite } from '../targets/suites/crm-security';
import { inboundSecuritySuite } from '../targets/suites/inbound-security';
import { useTarget } from '../targets/use-target';

const target = useTarget('node');
inboundSecuritySuite(target);
crmSecuritySuite(target);
