import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';

/** `POST /api/complaints/:id/corrections`: a new entry with a reason; the original stays. */
export class CorrectComplaintDto {
  @ApiProperty({ example: 'complainant.phone' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  field!: string;

  @ApiProperty({
    example: '13900139000',
    nullable: true,
    description:
      'New value (string, number, boolean, list or null). null (or "") clears an optional field — request, occurredAt, location, categoryHint, the complainant’s name, building and unit, subjectEmployeeIds, and the phone of an anonymous complainant; a required field refuses it (422 naming value). The key itself is required (400 when missing)',
  })
  // Present, but null is a value: it clears an optional field (the domain says which fields may be cleared).
  @ValidateIf((body: CorrectComplaintDto) => body.value !== null)
  @IsDefined()
  value!: unknown;

  @ApiProperty({ example: '登记时电话号码记错' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}
