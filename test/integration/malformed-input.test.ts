// Malformed input to every route (test/targets/suites/malformed-input.ts) against the app in this process; the
// same suite runs against the Worker in workerd in workerd-inbound.test.ts.
import { malformedInputSuite } from '../targets/suites/malformed-input';
import { useTarget } from '../targets/use-target';

malformedInputSuite(useTarget('node'));
