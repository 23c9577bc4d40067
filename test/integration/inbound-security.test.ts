// The shared inbound-authentication suite (test/targets/suites) against the app in this process; the same suite
// runs against the Worker in workerd in workerd-inbound.test.ts.
import { inboundSecuritySuite } from '../targets/suites/inbound-security';
import { useTarget } from '../targets/use-target';

inboundSecuritySuite(useTarget('node'));
