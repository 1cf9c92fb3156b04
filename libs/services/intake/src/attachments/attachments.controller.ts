import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiBadRequestResponse,
} from '@nestjs/swagger';
import { CurrentUser, type ActingUser } from '@complaints/service-kit';
import { AddedAttachmentDto, ApiErrorDto } from '@complaints/service-common';
import { AddAttachmentFieldsDto, AddAttachmentService } from './add-attachment';
import { SingleFileUpload, type UploadedFileData } from './upload.interceptor';

@ApiTags('intake')
@Controller('complaints')
export class AttachmentsController {
  constructor(private readonly attachments: AddAttachmentService) {}

  /** Policy `AddAttachment` (CS staff, duty officer, department staff by default) at the complaint's site and department. */
  @Post(':id/attachments')
  @HttpCode(201)
  @UseInterceptors(SingleFileUpload)
  @ApiOperation({
    summary: 'Attach a photo or document (证物/照片): multipart/form-data, the file in the field "file"',
    description:
      'The content’s SHA-256 goes into the AttachmentAdded event, so the hash chain covers the evidence. The bytes must be what their Content-Type says (magic bytes: JPEG, PNG, GIF, WebP, PDF by default); size and count within the site policy’s `attachments`. The same bytes again on the same complaint record nothing (`duplicate: true`).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The photo or document; its part’s Content-Type is the declared media type' },
        stage: { type: 'string', enum: ['registration', 'handling', 'resolution'] },
        personal: { type: 'string', enum: ['true', 'false'] },
        note: { type: 'string', maxLength: 1000 },
        fileName: { type: 'string', maxLength: 200 },
      },
    },
  })
  @ApiCreatedResponse({ type: AddedAttachmentDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'No file, not multipart, or a bad field (details name it)' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role may not attach (policy permissions.AddAttachment), another site or department, conflict of interest' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The stage is not open in the complaint’s status (e.g. closed or sealed)' })
  @ApiPayloadTooLargeResponse({ type: ApiErrorDto, description: 'Over ATTACHMENT_MAX_UPLOAD_BYTES (field file)' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'mediaType not accepted or not what the content is, size over the policy, too many attachments, bad fileName (details name the field)' })
  add(
    @Param('id', new ParseUUIDPipe()) id: string,
    @UploadedFile() file: UploadedFileData | undefined,
    @Body() fields: AddAttachmentFieldsDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<AddedAttachmentDto> {
    return this.attachments.add(id, file, fields ?? {}, user, correlationId || undefined);
  }
}
