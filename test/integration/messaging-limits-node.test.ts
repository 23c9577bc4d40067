// The business_capability_update suite against the app in Node (the same suite runs in workerd:
// workerd-inbound.test.ts).
import { messagingLimitSuite } from '../targets/suites/messaging-limits';
import { useTarget } from '../targets/use-target';

messagingLimitSuite(useTarget('node'));
