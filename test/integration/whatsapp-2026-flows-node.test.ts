// The issue 12 flows suite (caps, free entry point, history) against the app in Node (the same suite runs in
// workerd: workerd-inbound.test.ts).
import { whatsapp2026FlowsSuite } from '../targets/suites/whatsapp-2026-flows';
import { useTarget } from '../targets/use-target';

whatsapp2026FlowsSuite(useTarget('node'));
