import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ComplaintCommandRunner } from './complaint-command.runner';
import { ExecuteComplaintCommandHandler } from './execute-complaint.command';
import { SiteDirectory } from './site-directory';
import { ComplaintPersonalData } from './personal-data';

/** The shared command path (runner, generic handler, site directory) for the writing services. */
@Module({
  imports: [CqrsModule],
  providers: [SiteDirectory, ComplaintPersonalData, ComplaintCommandRunner, ExecuteComplaintCommandHandler],
  exports: [CqrsModule, SiteDirectory, ComplaintPersonalData, ComplaintCommandRunner],
})
export class ComplaintCommandsModule {}
