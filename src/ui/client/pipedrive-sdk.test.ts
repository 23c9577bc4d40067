// The panel's SDK handshake, against a fake Pipedrive parent speaking the SDK's protocol.
import { describe, expect, it } from 'vitest';
import { clampPanelHeight, PanelSdk } from './pipedrive-sdk';

interface Posted {
  message: { payload: { type: string; command: string; args: unknown }; id: string };
  port: MessagePort;
}

function fakeParent(answer: (m: Posted['message']) => { data?: unknown; error?: string } | null) {
  const posted: Posted[] = [];
  const target = {
    postMessage(message: Posted['message'], _origin: string, transfer: MessagePort[]) {
      posted.push({ message, port: transfer[0]! });
      const reply = answer(message);
      if (reply) transfer[0]!.postMessage(reply);
    },
  } as unknown as Window;
  return { target, posted };
}

describe('Pipedrive panel SDK handshake', () => {
  it('initializes with the panel id and a height within 100–750, then resizes', async () => {
    const parent = fakeParent(() => ({ data: undefined }));
    const sdk = new PanelSdk('panel-7', parent.target);
    await sdk.initialize(1200);
    await sdk.resize(40);
    expect(parent.posted.map((p) => p.message)).toEqual([
      { payload: { type: 'command', command: 'initialize', args: { size: { height: 750 } } }, id: 'panel-7' },
      { payload: { type: 'command', command: 'resize', args: { height: 100 } }, id: 'panel-7' },
    ]);
  });

  it("rejects with Pipedrive's error, and when Pipedrive never answers", async () => {
    const refusing = new PanelSdk('x', fakeParent(() => ({ error: 'Invalid identifier' })).target);
    await expect(refusing.initialize(300)).rejects.toThrow('Invalid identifier');
    const silent = new PanelSdk('x', fakeParent(() => null).target);
    await expect(silent.command('initialize', {}, 50)).rejects.toThrow('Pipedrive did not answer initialize');
  });

  it('clamps heights to the panel limits', () => {
    expect([
      clampPanelHeight(0),
      clampPanelHeight(99.2),
      clampPanelHeight(420.4),
      clampPanelHeight(9999),
    ]).toEqual([100, 100, 421, 750]);
  });
});
