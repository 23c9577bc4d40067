// Page shell shared by the sidebar and the admin page: no inline script, one stylesheet, one deferred script.
import type { Child } from 'hono/jsx';

export interface LayoutProps {
  title: string;
  script: string;
  devMode: boolean;
  assetVersion: string;
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
        <link rel="stylesheet" href={`/ui/assets/ui.css?v=${props.assetVersion}`} />
        <script src={`/ui/assets/${props.script}.js?v=${props.assetVersion}`} defer></script>
      </head>
      <body data-dev={props.devMode ? 'true' : 'false'}>{props.children}</body>
    </html>
  );
}
