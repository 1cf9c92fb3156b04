import { Controller, Get, Inject, Param, ParseIntPipe, StreamableFile } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@complaints/event-store';
import { SiteDirectory } from '@complaints/service-common';
import { CLOCK, CurrentUser, EVENT_STORE, badRequest, conflict, type ActingUser, type Clock } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { ArchiveIntegrityError, buildYearlyArchive, type ArchiveManifest } from './yearly-archive';
import { tarArchive } from './tar.util';
import { ARCHIVE_ROLES, assertSite, forbidden } from '../access/reporting-access';

const SEAL_REFUSED = 'a complaint of the archive whose hash chain or signed head does not hold (its stored history was altered or cut short): nothing is sealed, the message names the complaint';

/** The yearly sealed archive of a site's closed complaints (docs/process.md §6 "Archive"). */
@ApiTags('audit')
@Controller('archives')
export class ArchiveController {
  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sites: SiteDirectory,
  ) {}

  private async bundle(siteId: string, year: number, user: ActingUser) {
    if (!ARCHIVE_ROLES.has(user.role)) throw forbidden(`The archive is for auditors, administrators and management, not '${user.role}'`);
    assertSite(user, siteId);
    if (year < 2000 || year > 2999) throw badRequest('year must be a four-digit year', [{ field: 'year', problem: 'must be 2000–2999' }]);
    try {
      return await buildYearlyArchive(this.dataSource, this.store, { siteId, year, timeZone: this.sites.site(siteId).timeZone, now: this.clock.now(), policy: this.sites.policy(siteId) });
    } catch (error) {
      // A stream whose chain or signed head does not hold is never sealed: 409 naming it.
      if (error instanceof ArchiveIntegrityError) throw conflict(`The archive cannot be sealed: ${error.message}`);
      throw error;
    }
  }

  @Get(':siteId/:year')
  @ApiConflictResponse({ description: SEAL_REFUSED })
  @ApiProduces('application/x-tar')
  @ApiOkResponse({ description: 'tar of <site>-<year>/manifest.json and events/<number>.jsonl; check it with `node tools/verify-archive.mjs <file.tar>`' })
  async archive(@Param('siteId') siteId: string, @Param('year', ParseIntPipe) year: number, @CurrentUser() user: ActingUser): Promise<StreamableFile> {
    const bundle = await this.bundle(siteId, year, user);
    const tar = tarArchive(
      bundle.files.map((f) => ({ path: `${bundle.directory}/${f.path}`, content: f.content })),
      new Date(bundle.manifest.createdAt),
    );
    return new StreamableFile(tar, { type: 'application/x-tar', length: tar.length, disposition: `attachment; filename="${bundle.directory}.tar"` });
  }

  @Get(':siteId/:year/manifest')
  @ApiConflictResponse({ description: SEAL_REFUSED })
  @ApiOkResponse({ description: 'The manifest the archive would carry: files with SHA-256, root hash, each stream\'s signed head (hash chain v2) and the signed root (rootMac)' })
  async manifest(@Param('siteId') siteId: string, @Param('year', ParseIntPipe) year: number, @CurrentUser() user: ActingUser): Promise<ArchiveManifest> {
    return (await this.bundle(siteId, year, user)).manifest;
  }
}
