// The route fuzz (test/targets/suites/fuzz.ts) against the app in this process; the same fuzz runs against the
// Worker in workerd in workerd-inbound.test.ts. FUZZ_RUNS / FUZZ_SEED widen or vary the hunt.
import { fuzzSuite } from '../targets/suites/fuzz';
import { useTarget } from '../targets/use-target';

fuzzSuite(useTarget('node'));
