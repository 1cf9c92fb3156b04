import { Injectable } from '@nestjs/common';
import { DEFAULT_POLICY, resolvePolicy, type ComplaintPolicy, type PolicyLayer } from '@complaints/domain';

/**
 * What the services need to know about a site: its short code for complaint numbers,
 * its time zone, and the policy layers (group → region → site) in force. Sites are
 * configured with SITES_JSON (an array of { id, code?, name?, regionId?, timeZone? });
 * an unknown site id gets a code derived from its id and the group defaults, so
 * registration never fails for want of configuration.
 */
export type Site = { id: string; code: string; name?: string; regionId?: string; timeZone: string };

const codeFromId = (siteId: string): string => siteId.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12) || 'SITE';

@Injectable()
export class SiteDirectory {
  private readonly sites = new Map<string, Site>();

  constructor() {
    const raw = process.env.SITES_JSON;
    if (raw) {
      for (const site of JSON.parse(raw) as Partial<Site>[]) {
        if (!site.id) continue;
        this.sites.set(site.id, { id: site.id, code: site.code ?? codeFromId(site.id), name: site.name, regionId: site.regionId, timeZone: site.timeZone ?? DEFAULT_POLICY.timeZone });
      }
    }
  }

  site(siteId: string): Site {
    return this.sites.get(siteId) ?? { id: siteId, code: codeFromId(siteId), timeZone: DEFAULT_POLICY.timeZone };
  }

  /** The policy in force for a site (group defaults until policy administration lands). */
  policy(siteId: string): ComplaintPolicy {
    const site = this.site(siteId);
    const layers: PolicyLayer[] =
      site.timeZone === DEFAULT_POLICY.timeZone ? [] : [{ level: 'site', id: site.id, version: 'tz', override: { timeZone: site.timeZone } }];
    return resolvePolicy(layers);
  }
}
