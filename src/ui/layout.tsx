// Page shell shared by the sidebar and the admin page: no inline script, one stylesheet, one deferred script.
// The page language's catalogue travels as a JSON data block (never executed, so `script-src 'self'` holds) for
// the page script to translate with (client/i18n.ts).
import type { Child } from 'hono/jsx';
import { assetUrl } from './assets';
import { catalogueOf, DEFAULT_LANGUAGE, type Language } from './i18n/index';

export interface LayoutProps {
  title: string;
  script: 'sidebar' | 'admin';
  devMode: boolean;
  lang?: Language;
  /** More of the page's words for its data block (the admin page's `admin.*`, i18n/admin/). */
  messages?: Readonly<Record<string, string>>;
  children?: Child;
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`, no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function Layout(props: LayoutProps) {
  const lang = props.lang ?? DEFAULT_LANGUAGE;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={assetUrl('ui.css')} />
        <script
          type="application/json"
          id="i18n"
          dangerouslySetInnerHTML={{
            __html: scriptJson({ lang, messages: { ...catalogueOf(lang), ...props.messages } }),
          }}
        ></script>
        <script src={assetUrl(`${props.script}.js`)} defer></script>
      </head>
      <body data-dev={props.devMode ? 'true' : 'false'}>{props.children}</body>
    </html>
  );
}
