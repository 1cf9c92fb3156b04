import { Injectable } from '@nestjs/common';
import { DEFAULT_POLICY, resolvePolicy, type ComplaintPolicy, type PolicyLayer, type PolicyOverride } from '@complaints/domain';

/**
 * What the services need to know about a site: its short code for complaint numbers,
 * its time zone, and the policy layers (group → region → site) in force.
 *   SITES_JSON          [{ id, code?, name?, regionId?, timeZone?, policy?: <override> }]
 *   REGIONS_JSON        [{ id, name?, policy?: <override> }]
 *   GROUP_POLICY_JSON   <override> for the whole group
 * An override is any part of the domain's ComplaintPolicy (e.g. { "deadlines": … },
 * { "triage": { "autoApplyCategories": ["cleaning"] } }). An unknown site id gets a
 * code derived from its id and the group policy, so registration never fails for want
 * of configuration.
 */
export type Site = { id: string; code: string; name?: string; regionId?: string; timeZone: string; policy?: PolicyOverride };
export type Region = { id: string; name?: string; policy?: PolicyOverride };

const codeFromId = (siteId: string): string => siteId.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12) || 'SITE';

const parseJson = <T>(name: string, raw: string | undefined, fallback: T): T => {
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch (error) {
    throw new Error(`${name} is not valid JSON: ${(error as Error).message}`);
  }
};

@Injectable()
export class SiteDirectory {
  private readonly sites = new Map<string, Site>();
  private readonly regions = new Map<string, Region>();
  private groupPolicy?: PolicyOverride;
  private readonly policies = new Map<string, ComplaintPolicy>();

  constructor() {
    this.load(process.env);
  }

  /** A directory configured from the given variables instead of the process's (tests). */
  static from(env: NodeJS.ProcessEnv): SiteDirectory {
    const directory = new SiteDirectory();
    directory.sites.clear();
    directory.regions.clear();
    directory.policies.clear();
    directory.load(env);
    return directory;
  }

  private load(env: NodeJS.ProcessEnv): void {
    for (const site of parseJson<Partial<Site>[]>('SITES_JSON', env.SITES_JSON, [])) {
      if (!site.id) continue;
      this.sites.set(site.id, { ...site, id: site.id, code: site.code ?? codeFromId(site.id), timeZone: site.timeZone ?? DEFAULT_POLICY.timeZone });
    }
    for (const region of parseJson<Region[]>('REGIONS_JSON', env.REGIONS_JSON, [])) if (region.id) this.regions.set(region.id, region);
    this.groupPolicy = parseJson<PolicyOverride | undefined>('GROUP_POLICY_JSON', env.GROUP_POLICY_JSON, undefined);
  }

  site(siteId: string): Site {
    return this.sites.get(siteId) ?? { id: siteId, code: codeFromId(siteId), timeZone: DEFAULT_POLICY.timeZone };
  }

  /**
   * Names sites that SITES_JSON does not describe (the demo sites where demo users are
   * created), so a report names 阳光花园 rather than `site-a`. A configured site keeps
   * its own entry; policies are not touched (an unconfigured site has the default policy).
   */
  nameUnconfigured(sites: readonly { id: string; name: string }[]): this {
    for (const s of sites) if (!this.sites.has(s.id)) this.sites.set(s.id, { id: s.id, code: codeFromId(s.id), name: s.name, timeZone: DEFAULT_POLICY.timeZone });
    return this;
  }

  allSites(): Site[] {
    return [...this.sites.values()];
  }

  region(regionId: string): Region | undefined {
    return this.regions.get(regionId);
  }

  /** The policy in force for a site: group, then region, then site overrides (site wins). */
  policy(siteId: string): ComplaintPolicy {
    const cached = this.policies.get(siteId);
    if (cached) return cached;
    const site = this.site(siteId);
    const layers: PolicyLayer[] = [];
    if (this.groupPolicy) layers.push({ level: 'group', id: 'group', version: 'env', override: this.groupPolicy });
    const region = site.regionId ? this.regions.get(site.regionId) : undefined;
    if (region?.policy) layers.push({ level: 'region', id: region.id, version: 'env', override: region.policy });
    const siteOverride: PolicyOverride = { ...(site.policy ?? {}), ...(site.timeZone !== DEFAULT_POLICY.timeZone ? { timeZone: site.timeZone } : {}) };
    if (Object.keys(siteOverride).length > 0) layers.push({ level: 'site', id: site.id, version: 'env', override: siteOverride });
    const policy = resolvePolicy(layers);
    this.policies.set(siteId, policy);
    return policy;
  }
}
