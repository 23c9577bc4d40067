// vitest setupFiles: src/core/phone.ts gets its numbering metadata from the committed file, as the Worker gets it
// from its static assets at start-up (src/platform/phone-metadata.ts, issue 13).
import { installPhoneMetadataFromFile } from '../../scripts/build-phone-metadata';

installPhoneMetadataFromFile();
