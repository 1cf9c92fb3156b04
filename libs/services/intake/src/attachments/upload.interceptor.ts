import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { ApiError } from '@complaints/service-kit';
import { maxUploadBytes } from '@complaints/service-common';

/** The one file of a multipart upload, as multer's memory storage hands it over. */
export type UploadedFileData = { fieldname: string; originalname: string; mimetype: string; size: number; buffer: Buffer };

/**
 * multipart/form-data with one file in the field `file` (multer's memory storage through
 * Nest's FileInterceptor, capped at ATTACHMENT_MAX_UPLOAD_BYTES) and a few short text fields.
 * A refusal is docs/api.md's error shape naming the field, not multer's own text.
 */
@Injectable()
export class SingleFileUpload implements NestInterceptor {
  private readonly max = maxUploadBytes();
  private readonly inner: NestInterceptor = new (FileInterceptor('file', { limits: { fileSize: this.max, files: 1, fields: 10, fieldSize: 4_000, parts: 12 } }))();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return (await this.inner.intercept(context, next)) as Observable<unknown>;
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      const status = error.getStatus();
      if (status === 413) throw new ApiError(413, `file: at most ${this.max} bytes per upload`, [{ field: 'file', problem: `at most ${this.max} bytes per upload` }]);
      const text = error.message;
      const field = /unexpected field/i.test(text) ? 'file' : /field/i.test(text) ? '(body)' : 'file';
      throw new ApiError(status >= 400 && status < 500 ? status : 400, `${field}: ${text}`, [
        { field, problem: `${text} — send multipart/form-data with the one file in the field "file"` },
      ]);
    }
  }
}

/**
 * Browsers send a UTF-8 file name in the part header; busboy reads header parameters as
 * latin1, so 照片.jpg arrives as mojibake. Re-read it as UTF-8 when that gives valid text.
 */
export const decodeFileName = (name: string): string => {
  const codes = [...name].map((c) => c.charCodeAt(0));
  if (!codes.some((c) => c >= 0x80) || codes.some((c) => c > 0xff)) return name;
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? name : decoded;
};
