import { SiteDirectory } from './site-directory';

describe('Rule: a site is named from the site directory; the demo sites are named where SITES_JSON does not describe them', () => {
  it('should name an unconfigured demo site, and leave a configured one as SITES_JSON says', () => {
    // given SITES_JSON describing site-b only; when the demo sites are named; then site-a gets its demo name and site-b keeps its own
    const directory = SiteDirectory.from({ SITES_JSON: JSON.stringify([{ id: 'site-b', name: '翠湖苑（配置）', timeZone: 'Asia/Urumqi' }]) }).nameUnconfigured([
      { id: 'site-a', name: '阳光花园' },
      { id: 'site-b', name: '翠湖苑' },
    ]);
    expect(directory.site('site-a')).toMatchObject({ id: 'site-a', name: '阳光花园', timeZone: 'Asia/Shanghai' });
    expect(directory.site('site-b')).toMatchObject({ name: '翠湖苑（配置）', timeZone: 'Asia/Urumqi' });
    expect(directory.allSites().map((s) => s.id).sort()).toEqual(['site-a', 'site-b']);
  });

  it('should leave a site nobody named without a name (reports then show its id)', () => {
    expect(SiteDirectory.from({}).site('site-x').name).toBeUndefined();
  });
});
