// Page shell shared by the sidebar and the admin page: no inline script, one stylesheet, one deferred script.
import type { Child } from 'hono/jsx';
import { assetUrl } from './assets';

export interface LayoutProps {
  title: string;
  script: 'sidebar' | 'admin';
  devMode: boolean;
  children?: Child;
}

export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={assetUrl('ui.css')} />
        <script src={assetUrl(`${props.script}.js`)} defer></script>
      </head>
      <body data-dev={props.devMode ? 'true' : 'false'}>{props.children}</body>
    </html>
  );
}
