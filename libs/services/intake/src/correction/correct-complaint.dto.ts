import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /api/complaints/:id/corrections`: a new entry with a reason; the original stays. */
export class CorrectComplaintDto {
  @ApiProperty({ example: 'complainant.phone' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  field!: string;

  @ApiProperty({ example: '13900139000', description: 'New value (string, number, boolean or null)' })
  @IsDefined()
  value!: unknown;

  @ApiProperty({ example: '登记时电话号码记错' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}
