// manifest/pipedrive/app.json is entered by hand in Developer Hub: check it against the vendor's rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../test/spec/openapi';

const manifest = JSON.parse(
  readFileSync(new URL('../../../manifest/pipedrive/app.json', import.meta.url), 'utf8'),
);

describe('manifest/pipedrive/app.json', () => {
  it('requests only scopes Pipedrive defines, and not the removed messaging scope', () => {
    const doc = loadSpec('pipedrive-v2').docs[0]!.doc as {
      components: {
        securitySchemes: { oauth2: { flows: { authorizationCode: { scopes: Record<string, string> } } } };
      };
    };
    const known = Object.keys(doc.components.securitySchemes.oauth2.flows.authorizationCode.scopes);
    expect(manifest.oauth.scopes.every((s: string) => known.includes(s))).toBe(true);
    expect(manifest.oauth.scopes).not.toContain('messengers-integration');
    expect(manifest.oauth.scopes).toEqual(['base', 'contacts:full', 'deals:read']);
  });

  it('uses the callback URL for both OAuth and the uninstall DELETE', () => {
    expect(manifest.oauth.callbackUrl).toBe('${APP_BASE_URL}/oauth/pipedrive/callback');
    expect(manifest.uninstall).toMatchObject({ method: 'DELETE', url: manifest.oauth.callbackUrl });
  });

  it('declares person and deal panels on the sidebar URL, 100–750 px high', () => {
    const panels = manifest.customUiExtensions.panels as {
      location: string;
      iframeUrl: string;
      initialHeight: number;
    }[];
    expect(panels.map((p) => p.location).sort()).toEqual(['deal_details', 'person_details']);
    for (const p of panels) {
      expect(p.iframeUrl).toBe('${APP_BASE_URL}/ui/sidebar?crm=pipedrive');
      expect(p.initialHeight).toBeGreaterThanOrEqual(100);
      expect(p.initialHeight).toBeLessThanOrEqual(750);
    }
    expect(manifest.notes.length).toBeGreaterThan(3);
  });
});
