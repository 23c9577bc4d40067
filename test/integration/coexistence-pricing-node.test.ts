// The coexistence / PMP pricing suite against the app in Node (the same suite runs in workerd:
// workerd-inbound.test.ts).
import { coexistencePricingSuite } from '../targets/suites/coexistence-pricing';
import { useTarget } from '../targets/use-target';

coexistencePricingSuite(useTarget('node'));
