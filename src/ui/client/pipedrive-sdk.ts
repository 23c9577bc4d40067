// The few @pipedrive/app-extensions-sdk commands a panel needs, spoken directly: the parent frame gets
// `{payload:{type:'command', command, args}, id}` plus a MessagePort and answers `{data?, error?}` on it
// (pipedrive/app-extensions-sdk src/index.ts). Loading the SDK bundle would cost more than the panel itself.

export const PANEL_MIN_HEIGHT = 100;
export const PANEL_MAX_HEIGHT = 750;

export const clampPanelHeight = (height: number): number =>
  Math.min(PANEL_MAX_HEIGHT, Math.max(PANEL_MIN_HEIGHT, Math.ceil(height)));

export class PanelSdk {
  constructor(
    private readonly identifier: string,
    private readonly target: Window = window.parent,
  ) {}

  command<T = unknown>(command: string, args?: unknown, timeoutMs = 8_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => {
        channel.port1.close();
        reject(new Error(`Pipedrive did not answer ${command}`));
      }, timeoutMs);
      channel.port1.onmessage = ({ data }: MessageEvent<{ data?: T; error?: string }>) => {
        clearTimeout(timer);
        channel.port1.close();
        if (data?.error) reject(new Error(data.error));
        else resolve(data?.data as T);
      };
      this.target.postMessage({ payload: { type: 'command', command, args }, id: this.identifier }, '*', [
        channel.port2,
      ]);
    });
  }

  /** Must complete within 10 s of the iframe loading or Pipedrive hides the panel (vendors/pipedrive.md §4). */
  initialize(height: number): Promise<unknown> {
    return this.command('initialize', { size: { height: clampPanelHeight(height) } });
  }

  resize(height: number): Promise<unknown> {
    return this.command('resize', { height: clampPanelHeight(height) });
  }

  /** Keeps the panel as tall as the content, within Pipedrive's 100–750 px. */
  followContentHeight(el: HTMLElement): void {
    let last = 0;
    const observer = new ResizeObserver(() => {
      const height = clampPanelHeight(el.scrollHeight);
      if (height === last) return;
      last = height;
      this.resize(height).catch(() => {});
    });
    observer.observe(el);
  }
}
