// esbuild's `text` loader (scripts/build-ui.ts): a stylesheet imported as its text.
declare module '*.css' {
  const text: string;
  export default text;
}
