import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `POST /api/complaints/:id/archive`: year-end sealing (装订封存) of a closed complaint. */
export class ArchiveComplaintDto {
  @ApiPropertyOptional({
    example: 2026,
    description: 'The year the record is sealed under; default the year it closed (site time). Not earlier than that, and only from that year’s 31 December on (422 on year otherwise)',
  })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2999)
  year?: number | null;
}
