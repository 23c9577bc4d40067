// zod/mini loads no locale, so without this every issue message is the bare "Invalid input". The API's error
// envelope (http/errors.ts zodDetails) shows those messages to users: English is configured once here, imported
// by every entry point (index.ts, app.ts — tests build the app through createApp) before anything is parsed.
// Messages are resolved at parse time, so import order among modules that only build schemas does not matter.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
